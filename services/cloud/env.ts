/**
 * The environment of the platform's Lambda functions: one list of variable names, read by the
 * functions (services/cloud/deps-from-env.ts) and written by the CDK app (infra/), so a name is
 * never spelled twice. Values are names and ARNs, never secrets: secrets stay in Secrets Manager
 * and the variables carry their ARNs.
 */

export const CLOUD_ENV = {
  // every service
  tablePrefix: 'ABCA_TABLE_PREFIX',
  eventBusName: 'ABCA_EVENT_BUS_NAME',
  eventBusArn: 'ABCA_EVENT_BUS_ARN',
  blobBucket: 'ABCA_BLOB_BUCKET',
  schedulerGroup: 'ABCA_SCHEDULER_GROUP',
  schedulerRoleArn: 'ABCA_SCHEDULER_ROLE_ARN',
  schedulerDeadLetterArn: 'ABCA_SCHEDULER_DLQ_ARN',
  /** `agentcore` or `ecs`: the compute of repositories whose RepoConfig says `local` (the default). */
  compute: 'ABCA_COMPUTE',
  agentRuntimeArn: 'ABCA_AGENT_RUNTIME_ARN',
  ecsCluster: 'ABCA_ECS_CLUSTER',
  ecsTaskDefinition: 'ABCA_ECS_TASK_DEFINITION',
  ecsContainer: 'ABCA_ECS_CONTAINER',
  /** Comma-separated. */
  ecsSubnets: 'ABCA_ECS_SUBNETS',
  /** Comma-separated. */
  ecsSecurityGroups: 'ABCA_ECS_SECURITY_GROUPS',
  /** The Secrets Manager secret holding the GitHub token (a plain string). */
  gitTokenSecretArn: 'ABCA_GIT_TOKEN_SECRET_ARN',
  telemetryStream: 'ABCA_TELEMETRY_STREAM',
  /** Optional: the agent's HarnessSpec as JSON (default: Claude on Bedrock). */
  agentHarness: 'ABCA_AGENT_HARNESS',
  // the REST API
  secretsPrefix: 'ABCA_SECRETS_PREFIX',
  pageTokenSecretArn: 'ABCA_PAGE_TOKEN_SECRET_ARN',
  userPoolId: 'ABCA_USER_POOL_ID',
  userPoolClientId: 'ABCA_USER_POOL_CLIENT_ID',
  /** Optional, comma-separated user ids that may onboard repositories. */
  admins: 'ABCA_ADMINS',
  /** Optional: the secret GitHub signs webhook deliveries with. */
  githubWebhookSecretArn: 'ABCA_GITHUB_WEBHOOK_SECRET_ARN',
  /** Optional, per user (default 600). */
  requestsPerMinute: 'ABCA_REQUESTS_PER_MINUTE',
} as const;

export type CloudEnvKey = keyof typeof CLOUD_ENV;
export type Env = Readonly<Record<string, string | undefined>>;

export class MissingEnvironmentError extends Error {
  constructor(
    readonly what: string,
    readonly missing: readonly string[],
  ) {
    super(`${what} cannot start: missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the CDK app sets them; see docs/DEPLOY.md)`);
    this.name = 'MissingEnvironmentError';
  }
}

/**
 * The values of `required` (all of them, or one error naming every missing or empty one) and of
 * `optional` (undefined when unset or empty).
 */
export function readEnv<R extends CloudEnvKey, O extends CloudEnvKey = never>(
  env: Env,
  what: string,
  required: readonly R[],
  optional: readonly O[] = [],
): Record<R, string> & Partial<Record<O, string>> {
  const value = (key: CloudEnvKey) => env[CLOUD_ENV[key]]?.trim() || undefined;
  const missing = required.filter((key) => value(key) === undefined).map((key) => CLOUD_ENV[key]);
  if (missing.length > 0) throw new MissingEnvironmentError(what, missing);
  const out: Record<string, string | undefined> = {};
  for (const key of [...required, ...optional]) out[key] = value(key);
  return out as Record<R, string> & Partial<Record<O, string>>;
}

/** A comma-separated list (empty items dropped). */
export const listOf = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
