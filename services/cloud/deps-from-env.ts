/**
 * What the platform's Lambda functions are built from, read from their environment once per cold
 * start (the CDK app sets the variables, services/cloud/env.ts names them). The same adapters as on
 * one machine, with AWS endpoints: DynamoDB (event store, idempotency, views, memory), EventBridge
 * (bus), S3 (blobs), EventBridge Scheduler (deadlines), AgentCore or ECS (compute), GitHub with a
 * token from Secrets Manager.
 *
 * Every builder checks its whole environment first and names every missing variable in one error
 * (MissingEnvironmentError), so a misconfigured function says what to set on its first invocation.
 * Clients are made once and shared; nothing here calls AWS until a service does (the GitHub token
 * is fetched on the first GitHub call).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { SECRETS_MANAGER_REF, type HarnessSpec, type SessionPayload } from '../../schemas/agent/contracts';
import { createProgressStores } from '../../projections/progress-view/stores';
import { createViewStores } from '../../projections/view-stores';
import { AgentCoreCompute } from '../adapters/compute/agentcore-compute';
import { EcsCompute } from '../adapters/compute/ecs-compute';
import type { SessionPayloadBuilder } from '../adapters/compute/session-payload';
import { EventBridgeScheduler } from '../adapters/scheduler/eventbridge-scheduler';
import { DynamoMemoryStore } from '../adapters/memory/dynamo-memory-store';
import { MEMORY_TABLE } from '../adapters/memory/tables';
import { S3BlobStore } from '../adapters/blob-store/s3-blob-store';
import { s3Client } from '../adapters/s3/s3-client';
import { SecretsManagerSecretStore } from '../adapters/secrets/secrets-manager-secret-store';
import { createCredentials } from '../credentials/credentials';
import type { ServiceDeps } from '../deps';
import { MEMORY_EXTRA } from '../tasks/hydration/memory-store';
import { SCREENING_EXTRA } from '../tasks/hydration/screening';
import { screeningFromEnv } from '../tasks/hydration/screening-factory';
import { DynamoDbEventStore } from '../kernel/dynamodb-event-store';
import { EventBridgeEventBus } from '../kernel/eventbridge-event-bus';
import { createLogger } from '../kernel/logger';
import { EVENTS_TABLE, IDEMPOTENCY_TABLE, tableName } from '../kernel/tables';
import { nudgeInboxRef } from '../tasks/nudge-delivery/inbox';
import type { ComputeStrategy, ComputeType, SessionInput } from '../ports/compute';
import type { BlobStore } from '../ports/blob-store';
import { loadRepoConfig } from '../repos/repo/load-repo-config';
import { heartbeatSecondsFor } from '../tasks/session/heartbeat';
import type { ApiDeps } from '../api/deps';
import { jwtAuthenticator } from '../api/jwt';
import { PageTokens } from '../api/page-token';
import { DynamoDbRateLimiter, RATE_LIMIT_TABLE } from '../api/rate-limit';
import { admissionPolicyFromEnv } from '../users/user/admission-policy';
import { listOf, MissingEnvironmentError, readEnv, CLOUD_ENV, type Env } from './env';
import { LazyGitProvider } from './lazy-git-provider';
import { cachedSecretReader, type SecretReader } from '../adapters/secrets/secrets-manager-reader';

/** The computes a cloud deployment offers (`local` in a RepoConfig means the deployment's own). */
export const CLOUD_COMPUTES = ['agentcore', 'ecs'] as const;
export type CloudCompute = (typeof CLOUD_COMPUTES)[number];

/** The harness of cloud sessions unless ABCA_AGENT_HARNESS says otherwise. */
export const DEFAULT_CLOUD_HARNESS: HarnessSpec = { type: 'claude', provider: 'bedrock' };

/** Injected in tests; Lambda functions use the defaults (SDK clients in AWS_REGION, Secrets Manager). */
export interface CloudOverrides {
  readonly dynamo?: DynamoDBClient;
  readonly secrets?: SecretReader;
}

// ── the pieces ──────────────────────────────────────────────────────────────────────────────────

/** The event store only (the Blueprint's custom resource, the API authorizer). */
export function storeFromEnv(env: Env, what: string, overrides: CloudOverrides = {}): DynamoDbEventStore {
  const { tablePrefix } = readEnv(env, what, ['tablePrefix']);
  return new DynamoDbEventStore({ client: overrides.dynamo ?? new DynamoDBClient({}), tableName: tableName(EVENTS_TABLE, tablePrefix) });
}

/** The bus only (the outbox publisher). */
export function busFromEnv(env: Env, what: string): EventBridgeEventBus {
  const { eventBusName } = readEnv(env, what, ['eventBusName']);
  return new EventBridgeEventBus({ client: new EventBridgeClient({}), eventBusName });
}

export function blobStoreFromEnv(env: Env, what: string): S3BlobStore {
  const { blobBucket } = readEnv(env, what, ['blobBucket']);
  return new S3BlobStore({ client: s3Client(env.AWS_REGION ? { region: env.AWS_REGION } : {}), bucket: blobBucket });
}

// ── every catalog service and the session monitor ──────────────────────────────────────────────

/** Variables a catalog service needs, given the deployment's compute. */
function serviceVariables(compute: string | undefined) {
  const common = ['tablePrefix', 'eventBusName', 'eventBusArn', 'blobBucket', 'schedulerGroup', 'schedulerRoleArn', 'compute', 'gitTokenSecretArn', 'telemetryStream'] as const;
  if (compute === 'ecs') return [...common, 'ecsCluster', 'ecsTaskDefinition', 'ecsContainer', 'ecsSubnets', 'ecsSecurityGroups'] as const;
  return [...common, 'agentRuntimeArn'] as const;
}

export function serviceDepsFromEnv(env: Env, what: string, overrides: CloudOverrides = {}): ServiceDeps {
  const compute = env[CLOUD_ENV.compute]?.trim();
  const v = readEnv(env, what, serviceVariables(compute), ['schedulerDeadLetterArn', 'agentHarness', 'ecsCluster', 'ecsTaskDefinition', 'ecsContainer', 'ecsSubnets', 'ecsSecurityGroups', 'agentRuntimeArn']);
  if (!(CLOUD_COMPUTES as readonly string[]).includes(v.compute)) {
    throw new Error(`${what}: ${CLOUD_ENV.compute}=${JSON.stringify(v.compute)}; set it to one of ${CLOUD_COMPUTES.join(', ')}`);
  }
  const region = env.AWS_REGION;
  const dynamo = overrides.dynamo ?? new DynamoDBClient({});
  const secrets = overrides.secrets ?? cachedSecretReader();
  const store = new DynamoDbEventStore({ client: dynamo, tableName: tableName(EVENTS_TABLE, v.tablePrefix) });
  const blobs = blobStoreFromEnv(env, what);
  const harness = harnessFrom(v.agentHarness);

  const payload: SessionPayloadBuilder = async (input) => cloudSessionPayload(input, { store, blobs, harness, telemetryStream: v.telemetryStream, region, gitTokenSecretArn: v.gitTokenSecretArn });
  const computes = new Map<CloudCompute, ComputeStrategy>();
  const computeFor = (type: ComputeType): ComputeStrategy => {
    const deployed = v.compute as CloudCompute;
    if (type !== 'local' && type !== deployed) {
      throw new Error(`compute "${type}" is not deployed here: this deployment runs agents on "${deployed}" (CDK context "compute"); change the repository's computeType`);
    }
    let strategy = computes.get(deployed);
    if (!strategy) {
      strategy =
        deployed === 'agentcore'
          ? new AgentCoreCompute({ agentRuntimeArn: v.agentRuntimeArn!, payload })
          : new EcsCompute({
              cluster: v.ecsCluster!,
              taskDefinition: v.ecsTaskDefinition!,
              containerName: v.ecsContainer!,
              subnets: listOf(v.ecsSubnets),
              securityGroups: listOf(v.ecsSecurityGroups),
              payload,
            });
      computes.set(deployed, strategy);
    }
    return strategy;
  };

  return {
    store,
    bus: new EventBridgeEventBus({ client: new EventBridgeClient({}), eventBusName: v.eventBusName }),
    now: () => new Date(),
    admission: admissionPolicyFromEnv(env),
    compute: computeFor,
    git: LazyGitProvider.github(() => secrets(v.gitTokenSecretArn)),
    blobs,
    scheduler: new EventBridgeScheduler({
      client: new SchedulerClient({}),
      groupName: v.schedulerGroup,
      eventBusArn: v.eventBusArn,
      roleArn: v.schedulerRoleArn,
      ...(v.schedulerDeadLetterArn ? { deadLetterQueueArn: v.schedulerDeadLetterArn } : {}),
    }),
    idempotencyFor: () => new DynamoDBPersistenceLayer({ tableName: tableName(IDEMPOTENCY_TABLE, v.tablePrefix), awsSdkV3Client: dynamo }),
    extras: {
      ...createViewStores({ client: dynamo, prefix: v.tablePrefix }),
      ...createProgressStores({ client: dynamo, prefix: v.tablePrefix }),
      [MEMORY_EXTRA]: new DynamoMemoryStore({ client: dynamo, tableName: tableName(MEMORY_TABLE, v.tablePrefix) }),
      [SCREENING_EXTRA]: screeningFromEnv(env as NodeJS.ProcessEnv),
    },
  };
}

/** What the agent is handed in the cloud: GitHub, the repository's verification, the telemetry stream. */
export async function cloudSessionPayload(
  input: SessionInput,
  options: {
    readonly store: DynamoDbEventStore | Pick<ServiceDeps['store'], 'readStream'>;
    readonly blobs: Pick<BlobStore, 'refOf'>;
    readonly harness: HarnessSpec;
    readonly telemetryStream: string;
    readonly region: string | undefined;
    /** Named in the payload for computes that cannot pass the token in the environment (AgentCore). */
    readonly gitTokenSecretArn?: string;
  },
): Promise<SessionPayload> {
  const config = await loadRepoConfig(options.store as ServiceDeps['store'], input.repo);
  return {
    ...input,
    cloneUrl: `https://github.com/${input.repo}.git`,
    gitApiUrl: 'https://api.github.com',
    harness: options.harness,
    verify: config.verify,
    telemetry: { streamName: options.telemetryStream, region: options.region ?? 'us-east-1' },
    // Consistent with the watchdog's threshold for this repository (services/tasks/session/heartbeat.ts).
    heartbeatSeconds: heartbeatSecondsFor(config.session.heartbeatTimeoutSeconds),
    nudgesRef: nudgeInboxRef(options.blobs, input.taskId),
    ...(options.gitTokenSecretArn ? { gitTokenRef: `${SECRETS_MANAGER_REF}${options.gitTokenSecretArn}` } : {}),
  };
}

function harnessFrom(json: string | undefined): HarnessSpec {
  if (json === undefined) return DEFAULT_CLOUD_HARNESS;
  try {
    const spec = JSON.parse(json) as HarnessSpec;
    if (spec && ['claude', 'command', 'replay'].includes(spec.type)) return spec;
  } catch {
    // reported below
  }
  throw new Error(`${CLOUD_ENV.agentHarness} is not a harness spec (JSON such as {"type":"claude","provider":"bedrock"})`);
}

// ── the REST API ────────────────────────────────────────────────────────────────────────────────

const API_VARIABLES = ['tablePrefix', 'blobBucket', 'secretsPrefix', 'pageTokenSecretArn', 'userPoolId', 'userPoolClientId'] as const;

/** The API's dependencies; async because the page-token key (and GitHub's webhook secret) come from Secrets Manager. */
export async function apiDepsFromEnv(env: Env, overrides: CloudOverrides = {}): Promise<ApiDeps> {
  const v = readEnv(env, 'the task API', API_VARIABLES, ['admins', 'githubWebhookSecretArn', 'requestsPerMinute']);
  const dynamo = overrides.dynamo ?? new DynamoDBClient({});
  const secrets = overrides.secrets ?? cachedSecretReader();
  const store = new DynamoDbEventStore({ client: dynamo, tableName: tableName(EVENTS_TABLE, v.tablePrefix) });
  const views = createViewStores({ client: dynamo, prefix: v.tablePrefix });
  const progress = createProgressStores({ client: dynamo, prefix: v.tablePrefix });
  const requestsPerMinute = v.requestsPerMinute ? Number(v.requestsPerMinute) : 600;
  const [pageTokenKey, githubWebhookSecret] = await Promise.all([secrets(v.pageTokenSecretArn), v.githubWebhookSecretArn ? secrets(v.githubWebhookSecretArn) : null]);
  return {
    store,
    taskViews: views.taskViews,
    progressViews: progress.progressViews,
    progressEvents: progress.progressEvents,
    blobs: blobStoreFromEnv(env, 'the task API'),
    credentials: createCredentials({
      store,
      secrets: new SecretsManagerSecretStore({ client: new SecretsManagerClient({}), prefix: v.secretsPrefix }),
      views: views.credentialsViews,
      // The authorizer has checked the key already; a short cache spares the second check's read.
      apiKeyCacheTtlSeconds: 30,
    }),
    jwt: cognitoJwt(v.userPoolId, v.userPoolClientId),
    pageTokens: new PageTokens(pageTokenKey),
    rateLimiter: new DynamoDbRateLimiter({ client: dynamo, tableName: tableName(RATE_LIMIT_TABLE, v.tablePrefix), requestsPerMinute }),
    admins: new Set(listOf(v.admins)),
    githubWebhookSecret,
    logger: createLogger('task-api'),
    now: () => new Date(),
  };
}

/** The Cognito user pool's tokens (ID or access tokens of the platform's app client). */
export function cognitoJwt(userPoolId: string, clientId: string) {
  return jwtAuthenticator({ kind: 'cognito', userPoolId, clientId, tokenUse: null });
}

export { MissingEnvironmentError };
