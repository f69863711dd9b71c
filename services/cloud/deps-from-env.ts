/**
 * The REST API's dependencies, read from its environment once per execution environment, through
 * the cloud registry (./cloud-ports.ts): its ports and its own settings. (The single-port builders
 * storeFromEnv and busFromEnv live beside their factories in ./ports/ and are
 * re-exported here; catalog services are built by ./lambda-handler.ts.)
 *
 * Every builder names every missing variable in one error (MissingEnvironmentError), so a
 * misconfigured function says what to set on its first invocation.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecretStore } from '../adapters/secrets/secrets-manager-secret-store';
import { API_PORTS, type ApiDeps, type ApiSecret } from '../api/deps';
import { cognitoJwt } from '../api/jwt';
import { PageTokens } from '../api/page-token';
import { DynamoDbRateLimiter, RATE_LIMIT_TABLE } from '../api/rate-limit';
import { createCredentials } from '../credentials/credentials';
import { createLogger } from '../kernel/logger';
import { tableName } from '../kernel/tables';
import { portsFor } from '../ports/registry';
import { cloudRegistry, dynamoOf, type CloudOverrides } from './cloud-ports';
import { listOf, type Env } from './env';
import { traced } from './instrument';
import { cloudBlobs } from './ports/blobs';
import { cloudCredentialsViews, cloudProgressEvents, cloudProgressViews, cloudStore, cloudTaskViews } from './ports/dynamodb';
import { secretsOf } from './ports/secrets';
import { cloudNow } from './ports/settings';

export type { CloudOverrides } from './cloud-ports';
export { busFromEnv } from './ports/bus';
export { CLOUD_COMPUTES, cloudSessionPayload, type CloudCompute } from './ports/compute';
export { storeFromEnv } from './ports/dynamodb';

// ── the REST API ────────────────────────────────────────────────────────────────────────────────

/**
 * The API's dependencies: its ports, and its own settings. The page-token key and GitHub's webhook
 * secret are read from Secrets Manager when a request needs them, through the function's secret
 * reader (cached for its max age: a rotated secret is used without a cold start).
 */
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
  const secret = (arn: string): ApiSecret => ({ read: () => v.secrets(arn), reread: () => v.secrets(arn, { forceFetch: true }) });
  return {
    store: ports.store,
    now: ports.now,
    blobs: ports.blobs,
    taskViews: ports.taskViews,
    progressViews: ports.progressViews,
    progressEvents: ports.progressEvents,
    credentials: createCredentials({
      store: ports.store,
      secrets: new SecretsManagerSecretStore({ client: traced(new SecretsManagerClient({})), prefix: v.secretsPrefix }),
      views: ports.credentialsViews,
      // The authorizer has checked the key already; a short cache spares the second check's read.
      apiKeyCacheTtlSeconds: 30,
    }),
    jwt: cognitoJwt(v.userPoolId, v.userPoolClientId),
    pageTokens: new PageTokens(() => v.secrets(v.pageTokenSecretArn)),
    rateLimiter: new DynamoDbRateLimiter({ client: v.dynamo, tableName: tableName(RATE_LIMIT_TABLE, v.tablePrefix), requestsPerMinute }),
    admins: new Set(listOf(v.admins)),
    githubWebhookSecret: v.githubWebhookSecretArn ? secret(v.githubWebhookSecretArn) : null,
    logger: createLogger('task-api'),
  };
}

