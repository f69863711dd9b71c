/**
 * A catalog service's Lambda needs the variables of its ports and no other: each handler module is
 * loaded as Lambda loads it (a fresh module registry, the given environment), so a function whose
 * service needs no compute starts without the compute's variables, and a missing variable is named
 * with every other one in one error.
 */
import path from 'node:path';
import { QUEUE_ENTRIES } from '../catalog';
import { CLOUD_ENV, MissingEnvironmentError } from './env';

const ROOT = path.resolve(__dirname, '..', '..');

/** A valid value for every variable a service may need (AgentCore deployment). */
const VALUES: Record<string, string> = {
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
};
const COMPUTE_VARIABLES: readonly string[] = [CLOUD_ENV.compute, CLOUD_ENV.agentRuntimeArn, CLOUD_ENV.ecsCluster, CLOUD_ENV.ecsTaskDefinition, CLOUD_ENV.ecsContainer, CLOUD_ENV.ecsSubnets, CLOUD_ENV.ecsSecurityGroups];

/** Loads a handler module with exactly `env` (plus the region), as a cold start would. */
function load(entry: string, env: Record<string, string>): { handler?: unknown } {
  const saved = process.env;
  process.env = { AWS_REGION: 'us-east-1', ...env };
  try {
    let mod: { handler?: unknown } = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path.join(ROOT, entry)) as { handler?: unknown };
    });
    return mod;
  } finally {
    process.env = saved;
  }
}

/** The variables a handler reports missing with an empty environment (one error, or none needed). */
function missingAtStart(entry: string): string[] {
  try {
    load(entry, {});
    return [];
  } catch (err) {
    // The module's own class (each load has a fresh module registry): checked by name.
    expect((err as Error).name).toBe('MissingEnvironmentError');
    return [...(err as MissingEnvironmentError).missing];
  }
}

const only = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, VALUES[n] ?? `value-of-${n}`]));

test('the admission service starts with the event store\'s variable alone: no compute, bus, scheduler or blob variables', () => {
  expect(missingAtStart('services/users/admission/handler.ts')).toEqual([CLOUD_ENV.tablePrefix]);
  expect(typeof load('services/users/admission/handler.ts', only([CLOUD_ENV.tablePrefix])).handler).toBe('function');
});

test('the task-view projection starts with its tables\' prefix alone', () => {
  expect(typeof load('projections/task-view/handler.ts', only([CLOUD_ENV.tablePrefix])).handler).toBe('function');
});

test('the nudge-delivery service starts with the blob bucket alone (not even the tables)', () => {
  expect(missingAtStart('services/tasks/nudge-delivery/handler.ts')).toEqual([CLOUD_ENV.blobBucket]);
  expect(typeof load('services/tasks/nudge-delivery/handler.ts', only([CLOUD_ENV.blobBucket])).handler).toBe('function');
});

test('the session service names every variable it lacks, the compute\'s included, in one clear error', () => {
  expect(() => load('services/tasks/session/handler.ts', {})).toThrow(
    'the session service cannot start: missing environment variables ABCA_TABLE_PREFIX, ABCA_EVENT_BUS_ARN, ABCA_BLOB_BUCKET, ABCA_SCHEDULER_GROUP, ABCA_SCHEDULER_ROLE_ARN, ABCA_COMPUTE, ABCA_AGENT_RUNTIME_ARN, ABCA_GIT_TOKEN_SECRET_ARN, ABCA_TELEMETRY_STREAM (the CDK app sets them; see docs/DEPLOY.md)',
  );
  // On ECS, the ECS variables instead of the runtime's.
  const ecs: Record<string, string> = { ...VALUES, [CLOUD_ENV.compute]: 'ecs' };
  delete ecs[CLOUD_ENV.agentRuntimeArn];
  expect(() => load('services/tasks/session/handler.ts', ecs)).toThrow(
    'missing environment variables ABCA_ECS_CLUSTER, ABCA_ECS_TASK_DEFINITION, ABCA_ECS_CONTAINER, ABCA_ECS_SUBNETS, ABCA_ECS_SECURITY_GROUPS',
  );
});

describe.each(QUEUE_ENTRIES.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
  test('starts with exactly the variables its ports name, and needs the compute\'s only with the compute port', () => {
    const needed = missingAtStart(entry.lambdaEntry);
    expect(needed.some((v) => COMPUTE_VARIABLES.includes(v))).toBe(entry.ports.includes('compute' as never));
    expect(typeof load(entry.lambdaEntry, only(needed)).handler).toBe('function');
  });
});

test('the session monitor starts with its tables\' prefix alone', () => {
  expect(missingAtStart('services/tasks/session-monitor/handler.ts')).toEqual([CLOUD_ENV.tablePrefix]);
});
