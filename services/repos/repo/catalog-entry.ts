/** The Blueprint custom resource's catalog entry (services/catalog.ts lists it; infra/constructs/blueprint.ts deploys it). */
import { defineEntry } from '../../catalog-entry';

export const blueprintEntry = defineEntry({
  kind: 'custom-resource',
  name: 'blueprint',
  description: 'Blueprint custom resource: onboards, updates and offboards repositories in the event store.',
  resourceType: 'Custom::AbcaBlueprint',
  // OnboardRepo (create, update) and OffboardRepo (delete), as `bgagent repo onboard` does.
  emits: ['RepoOnboarded', 'RepoConfigUpdated', 'RepoOffboarded'],
  ports: ['store'],
  lambdaEntry: 'services/repos/repo/blueprint-handler.ts',
  timeoutSeconds: 60,
  memoryMb: 256,
});
