/** Lambda functions build their ports from the environment; a missing variable is named, every one at once. */
import { PORT_NAMES } from '../ports/ports';
import { SESSION_PORTS } from '../tasks/session/service';
import { cloudPortsFor } from './cloud-ports';
import { CLOUD_PORTS } from './ports/all';
import { apiDepsFromEnv, busFromEnv, cloudSessionPayload, storeFromEnv } from './deps-from-env';
import { CLOUD_ENV, MissingEnvironmentError, readEnv } from './env';

const SERVICE_ENV = {
  [CLOUD_ENV.tablePrefix]: 'abca',
  [CLOUD_ENV.eventBusName]: 'abca',
  [CLOUD_ENV.eventBusArn]: 'arn:aws:events:us-east-1:123456789012:event-bus/abca',
  [CLOUD_ENV.blobBucket]: 'abca-blobs',
  [CLOUD_ENV.schedulerGroup]: 'abca-deadlines',
  [CLOUD_ENV.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/scheduler',
  [CLOUD_ENV.compute]: 'agentcore',
  [CLOUD_ENV.agentRuntimeArn]: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/abca_agent-x',
  [CLOUD_ENV.gitTokenSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:abca/github-token-AbCdEf',
  [CLOUD_ENV.telemetryStream]: 'abca-telemetry',
  AWS_REGION: 'us-east-1',
};

const missingOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(MissingEnvironmentError);
    expect((err as Error).message).toMatch(/cannot start: missing environment variables? .* \(the CDK app sets them; see docs\/DEPLOY.md\)$/);
    return [...(err as MissingEnvironmentError).missing];
  }
  throw new Error('expected a MissingEnvironmentError');
};

test('a service with no environment names every variable its ports need, in one error', () => {
  const sessionPorts = (env: Record<string, string>) => cloudPortsFor(SESSION_PORTS, CLOUD_PORTS, env, 'the session service');
  expect(missingOf(() => sessionPorts({}))).toEqual([
    'ABCA_TABLE_PREFIX',
    'ABCA_EVENT_BUS_ARN',
    'ABCA_BLOB_BUCKET',
    'ABCA_SCHEDULER_GROUP',
    'ABCA_SCHEDULER_ROLE_ARN',
    'ABCA_COMPUTE',
    'ABCA_AGENT_RUNTIME_ARN',
    'ABCA_GIT_TOKEN_SECRET_ARN',
    'ABCA_TELEMETRY_STREAM',
  ]);
  expect(() => sessionPorts({})).toThrow(/^the session service cannot start: missing environment variables ABCA_TABLE_PREFIX, /);
});

test('the compute decides which of its variables are needed', () => {
  const { [CLOUD_ENV.agentRuntimeArn]: _arn, ...ecs } = { ...SERVICE_ENV, [CLOUD_ENV.compute]: 'ecs' };
  expect(missingOf(() => cloudPortsFor(['compute'], CLOUD_PORTS, ecs, 'x'))).toEqual(['ABCA_ECS_CLUSTER', 'ABCA_ECS_TASK_DEFINITION', 'ABCA_ECS_CONTAINER', 'ABCA_ECS_SUBNETS', 'ABCA_ECS_SECURITY_GROUPS']);
  expect(() => cloudPortsFor(['compute'], CLOUD_PORTS, { ...SERVICE_ENV, [CLOUD_ENV.compute]: 'lambda' }, 'x')).toThrow('x: ABCA_COMPUTE="lambda"; set it to one of agentcore, ecs');
});

test('an empty or blank value counts as missing', () => {
  expect(missingOf(() => cloudPortsFor(PORT_NAMES, CLOUD_PORTS, { ...SERVICE_ENV, [CLOUD_ENV.blobBucket]: '  ' }, 'x'))).toEqual(['ABCA_BLOB_BUCKET']);
});

test('a complete environment builds every port without calling AWS; "local" means the deployment\'s compute', () => {
  const ports = cloudPortsFor(PORT_NAMES, CLOUD_PORTS, SERVICE_ENV, 'x');
  expect(ports.compute('local').type).toBe('agentcore');
  expect(ports.compute('agentcore')).toBe(ports.compute('local'));
  expect(() => ports.compute('ecs')).toThrow(/compute "ecs" is not deployed here: this deployment runs agents on "agentcore"/);
  expect(ports.idempotencyFor).toBeDefined();
  expect(Object.keys(ports)).toEqual(expect.arrayContaining(['taskViews', 'concurrencyViews', 'credentialsViews', 'progressViews', 'progressEvents', 'heartbeats', 'memory', 'screening']));
  // None in the cloud: the basic context source and the watchdog's defaults.
  expect(ports.contextSource).toBeUndefined();
  expect(ports.watchdogConfig).toBeUndefined();
});

test('the smaller builders name only what they need', () => {
  expect(missingOf(() => busFromEnv({}, 'the publisher'))).toEqual(['ABCA_EVENT_BUS_NAME']);
  expect(missingOf(() => storeFromEnv({}, 'the Blueprint custom resource'))).toEqual(['ABCA_TABLE_PREFIX']);
});

test('the API names its variables (and reads no secret to start: its secrets are read on use)', async () => {
  const secrets = jest.fn(async () => 'k'.repeat(48));
  await expect(apiDepsFromEnv({}, { secrets })).rejects.toMatchObject({
    missing: ['ABCA_TABLE_PREFIX', 'ABCA_BLOB_BUCKET', 'ABCA_SECRETS_PREFIX', 'ABCA_PAGE_TOKEN_SECRET_ARN', 'ABCA_USER_POOL_ID', 'ABCA_USER_POOL_CLIENT_ID'],
  });
  expect(secrets).not.toHaveBeenCalled();
});

test('readEnv returns the optional ones when set', () => {
  expect(readEnv({ ABCA_TABLE_PREFIX: 'p', ABCA_ADMINS: 'a,b' }, 'x', ['tablePrefix'], ['admins', 'requestsPerMinute'])).toEqual({ tablePrefix: 'p', admins: 'a,b', requestsPerMinute: undefined });
});

test('the cloud session payload: GitHub, the repository\'s verification, the telemetry stream, the nudge inbox in S3', async () => {
  const payload = await cloudSessionPayload(
    { taskId: 't1', sessionId: 's1', userId: 'u', repo: 'acme/app', branchName: 'bgagent/t1/x', issueNumber: null, promptRef: 's3://b/prompts/t1/v.md', promptVersion: 'v', modelId: 'm', maxTurns: 5, maxBudgetUsd: null, deadlineAt: '2030-01-01T00:00:00.000Z' },
    { store: { readStream: async () => [] }, blobs: { refOf: (key: string) => `s3://abca-blobs/${key}` }, harness: { type: 'claude', provider: 'bedrock' }, telemetryStream: 'abca-telemetry', region: 'eu-west-1', gitTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:gh' },
  );
  expect(payload).toMatchObject({
    gitTokenRef: 'secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:gh',
    cloneUrl: 'https://github.com/acme/app.git',
    gitApiUrl: 'https://api.github.com',
    telemetry: { streamName: 'abca-telemetry', region: 'eu-west-1' },
    nudgesRef: 's3://abca-blobs/nudges/t1/',
    verify: { build: [], test: [], lint: [], gating: 'regression_only' },
  });
});
