/**
 * The REST API's dependencies, read from its environment once per execution environment, through
 * the cloud registry (./cloud-ports.ts): its ports and its own settings. (The single-port builders
 * storeFromEnv, busFromEnv and blobStoreFromEnv live beside their factories in ./ports/ and are
 * re-exported here; catalog services are built by ./lambda-handler.ts.)
 *
 * Every builder names every missing variable in one error (MissingEnvironmentError), so a
 * misconfigured function says what to set on its first invocation.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecretStore } from '../adapters/secrets/secrets-manager-secret-store';
import { API_PORTS, type ApiDeps } from '../api/deps';
import { cognitoJwt } from '../api/jwt';
import { PageTokens } from '../api/page-token';
import { DynamoDbRateLimiter, RATE_LIMIT_TABLE } from '../api/rate-limit';
import { createCredentials } from '../credentials/credentials';
import { createLogger } from '../kernel/logger';
import { tableName } from '../kernel/tables';
import { portsFor } from '../ports/registry';
import { cloudRegistry, dynamoOf, secretsOf, type CloudOverrides } from './cloud-ports';
import { listOf, MissingEnvironmentError, type Env } from './env';
import { cloudBlobs } from './ports/blobs';
import { cloudCredentialsViews, cloudProgressEvents, cloudProgressViews, cloudStore, cloudTaskViews } from './ports/dynamodb';
import { cloudNow } from './ports/settings';

export type { CloudOverrides } from './cloud-ports';
export { blobStoreFromEnv } from './ports/blobs';
export { busFromEnv } from './ports/bus';
export { CLOUD_COMPUTES, cloudSessionPayload, DEFAULT_CLOUD_HARNESS, type CloudCompute } from './ports/compute';
export { storeFromEnv } from './ports/dynamodb';

// ── the REST API ────────────────────────────────────────────────────────────────────────────────

/** The API's dependencies: its ports, and its own settings; async because the page-token key (and GitHub's webhook secret) come from Secrets Manager. */
export async function apiDepsFromEnv(env: Env, overrides: CloudOverrides = {}): Promise<ApiDeps> {
  const registry = cloudRegistry(
    {
      store: cloudStore,
      now: cloudNow,
      blobs: cloudBlobs,
      taskViews: cloudTaskViews,
      credentialsViews: cloudCredentialsViews,
      progressViews: cloudProgressViews,
      progressEvents: cloudProgressEvents,
    },
    env,
    'the task API',
    overrides,
  );
  const ports = portsFor(API_PORTS, registry.factories);
  const settings = registry.collect((ctx) => ({
    ...ctx.read(['tablePrefix', 'secretsPrefix', 'pageTokenSecretArn', 'userPoolId', 'userPoolClientId'], ['admins', 'githubWebhookSecretArn', 'requestsPerMinute']),
    dynamo: dynamoOf(ctx),
    secrets: secretsOf(ctx),
  }));
  registry.check();
  const v = settings!;
  const requestsPerMinute = v.requestsPerMinute ? Number(v.requestsPerMinute) : 600;
  const [pageTokenKey, githubWebhookSecret] = await Promise.all([v.secrets(v.pageTokenSecretArn), v.githubWebhookSecretArn ? v.secrets(v.githubWebhookSecretArn) : null]);
  return {
    store: ports.store,
    now: ports.now,
    blobs: ports.blobs,
    taskViews: ports.taskViews,
    progressViews: ports.progressViews,
    progressEvents: ports.progressEvents,
    credentials: createCredentials({
      store: ports.store,
      secrets: new SecretsManagerSecretStore({ client: new SecretsManagerClient({}), prefix: v.secretsPrefix }),
      views: ports.credentialsViews,
      // The authorizer has checked the key already; a short cache spares the second check's read.
      apiKeyCacheTtlSeconds: 30,
    }),
    jwt: cognitoJwt(v.userPoolId, v.userPoolClientId),
    pageTokens: new PageTokens(pageTokenKey),
    rateLimiter: new DynamoDbRateLimiter({ client: v.dynamo, tableName: tableName(RATE_LIMIT_TABLE, v.tablePrefix), requestsPerMinute }),
    admins: new Set(listOf(v.admins)),
    githubWebhookSecret,
    logger: createLogger('task-api'),
  };
}

export { cognitoJwt };
export { MissingEnvironmentError };
