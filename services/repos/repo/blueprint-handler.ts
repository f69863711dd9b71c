/**
 * Lambda entry of the Blueprint custom resource (infra/constructs/blueprint.ts; CDK's provider
 * framework calls it and reports to CloudFormation). One resource per onboarded repository:
 *
 *   Create  OnboardRepo → RepoOnboarded
 *   Update  OnboardRepo with the new config → RepoConfigUpdated (nothing when it did not change);
 *           a new repository name gets a new physical id, so CloudFormation then deletes the old one
 *   Delete  OffboardRepo → RepoOffboarded (nothing when it is not onboarded)
 *
 * The commands are the repo decider's, so a deploy converges like `bgagent repo onboard`: applying
 * the same config again appends nothing, and a retried request is harmless. Properties: `Repo`
 * (owner/name) and `Config` (the RepoConfigInput as JSON: CloudFormation turns numbers and booleans
 * in properties into strings, JSON keeps them).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { instrumented } from '../../cloud/instrument';
import { storeFromEnv } from '../../cloud/ports/dynamodb';
import type { EventStore } from '../../kernel/event-store';
import { offboardRepo, onboardRepo } from './onboard-repo';
import type { RepoConfigInput } from './repo-config';

export interface BlueprintResult {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly Repo: string; readonly Outcome: 'appended' | 'noop' };
}

export function createBlueprintHandler(store: EventStore, now: () => Date = () => new Date()) {
  return async (event: CloudFormationCustomResourceEvent): Promise<BlueprintResult> => {
    const repo = String(event.ResourceProperties.Repo ?? '');
    if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new Error(`Blueprint: Repo must be owner/name (got ${JSON.stringify(repo)})`);
    const context = { actor: 'system:cloudformation', causationId: `cfn:${event.RequestId}`, now: now() };
    if (event.RequestType === 'Delete') {
      // A failed Create leaves no stream; a Delete of another repo's id never happens (id = repo).
      const out = await offboardRepo(store, event.PhysicalResourceId, `removed from the deployment (stack ${event.StackId})`, context);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { Repo: event.PhysicalResourceId, Outcome: out.status } };
    }
    const config = JSON.parse(String(event.ResourceProperties.Config ?? '{}')) as RepoConfigInput;
    const out = await onboardRepo(store, repo, config, context);
    return { PhysicalResourceId: repo, Data: { Repo: repo, Outcome: out.status } };
  };
}

let handle: ReturnType<typeof createBlueprintHandler> | undefined;

/** Traced per invocation (services/cloud/instrument.ts). */
export const handler = instrumented('blueprint', (event: CloudFormationCustomResourceEvent) =>
  (handle ??= createBlueprintHandler(storeFromEnv(process.env, 'the Blueprint custom resource')))(event),
);
