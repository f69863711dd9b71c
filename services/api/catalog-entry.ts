/**
 * The REST API's catalog entry (services/catalog.ts lists it; infra/constructs/task-api.ts deploys
 * its two functions): where commands are born. It consumes HTTP requests (the route table,
 * services/api/routes) rather than events, and emits what its commands decide.
 */
import { defineEntry } from '../catalog-entry';
import { API_PORTS } from './deps';

export const apiEntry = defineEntry({
  kind: 'http',
  name: 'api',
  description: 'The REST API: tasks, nudges and cancellations, API keys, webhooks, repositories, GitHub webhooks; reads from the views.',
  emits: [
    'TaskSubmitted',
    'TaskCancellationRequested',
    'TaskCancelled',
    'NudgeReceived',
    'RepoOnboarded',
    'RepoConfigUpdated',
    'ApiKeyCreated',
    'ApiKeyRevoked',
    'WebhookCreated',
    'WebhookRevoked',
  ],
  ports: API_PORTS,
  handler: { name: 'task-api', lambdaEntry: 'services/api/handler.ts', timeoutSeconds: 29, memoryMb: 1024 },
  authorizer: { name: 'task-api-authorizer', lambdaEntry: 'services/api/authorizer.ts', timeoutSeconds: 10, memoryMb: 512 },
});
