/**
 * The ECS compute against a local HTTP server speaking ECS's JSON 1.1 protocol (POST /, X-Amz-Target
 * AmazonEC2ContainerServiceV20141113.<Operation>, application/x-amz-json-1.1), which records the
 * exact requests of the real @aws-sdk/client-ecs client and keeps a little task table: RunTask with
 * ECS's clientToken semantics (same token + same parameters → the same task; same token + other
 * parameters → ConflictException), ListTasks by startedBy/desiredStatus, StopTask, DescribeTasks.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import type { SessionPayload } from '../../../schemas/agent/contracts';
import type { SessionInput } from '../../ports/compute';
import { ComputeStartError, isPermanentStartError } from '../../tasks/session/compute-errors';
import { EcsCompute, type EcsComputeOptions } from './ecs-compute';
import { useRecordingClient, type RecordedAnswer, type RecordedRequest } from '../testing/recording-server';
import { ecsClientTokenFor, ecsStartedByFor } from './runtime-session-id';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const CLUSTER = 'abca-agents';
const TASK_DEF = 'abca-agent:7';

interface FakeTask {
  taskArn: string;
  startedBy: string;
  lastStatus: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
}

/** A tiny ECS: enough of RunTask/ListTasks/StopTask/DescribeTasks for the adapter. */
class FakeEcs {
  tasks: FakeTask[] = [];
  tokens = new Map<string, { body: string; taskArn: string }>();
  /** Scripted RunTask outcome for the next call(s). */
  runTaskFailures: Array<{ reason: string; detail?: string }> | null = null;
  error: { status: number; type: string; message?: string; operation?: string } | null = null;
  /** ListTasks answers empty this many more times (eventual consistency). */
  hideFromList = 0;
  private next = 1;

  answer = (r: RecordedRequest): RecordedAnswer => {
    const operation = String(r.headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length);
    if (this.error && (!this.error.operation || this.error.operation === operation)) {
      return json(this.error.status, { __type: this.error.type, message: this.error.message ?? 'scripted' });
    }
    const body = JSON.parse(r.body) as Record<string, unknown>;
    switch (operation) {
      case 'RunTask':
        return this.runTask(body);
      case 'ListTasks': {
        if (this.hideFromList > 0) {
          this.hideFromList--;
          return json(200, { taskArns: [] });
        }
        const arns = this.tasks.filter((t) => t.startedBy === body.startedBy && t.desiredStatus === (body.desiredStatus ?? 'RUNNING')).map((t) => t.taskArn);
        return json(200, { taskArns: arns });
      }
      case 'StopTask': {
        const task = this.tasks.find((t) => t.taskArn === body.task);
        if (!task) return json(400, { __type: 'InvalidParameterException', message: 'The referenced task was not found.' });
        task.desiredStatus = 'STOPPED';
        task.lastStatus = 'STOPPED';
        return json(200, { task: { taskArn: task.taskArn, lastStatus: 'RUNNING', desiredStatus: 'STOPPED', stoppedReason: body.reason } });
      }
      case 'DescribeTasks': {
        const arns = body.tasks as string[];
        const found = this.tasks.filter((t) => arns.includes(t.taskArn));
        const missing = arns.filter((a) => !found.some((t) => t.taskArn === a));
        return json(200, { tasks: found.map((t) => ({ taskArn: t.taskArn, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus, startedBy: t.startedBy })), failures: missing.map((arn) => ({ arn, reason: 'MISSING' })) });
      }
      default:
        return json(400, { __type: 'UnknownOperationException', message: operation });
    }
  };

  private runTask(body: Record<string, unknown>): RecordedAnswer {
    if (this.runTaskFailures) return json(200, { tasks: [], failures: this.runTaskFailures });
    const token = String(body.clientToken);
    const canonical = JSON.stringify(body);
    const seen = this.tokens.get(token);
    if (seen && seen.body !== canonical) return json(400, { __type: 'ConflictException', message: 'The clientToken was used with different parameters.' });
    if (seen) return json(200, { tasks: [this.describeTask(seen.taskArn)], failures: [] });
    const taskArn = `arn:aws:ecs:us-east-1:123456789012:task/${CLUSTER}/${(this.next++).toString(16).padStart(32, '0')}`;
    this.tasks.push({ taskArn, startedBy: String(body.startedBy), lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' });
    this.tokens.set(token, { body: canonical, taskArn });
    return json(200, { tasks: [this.describeTask(taskArn)], failures: [] });
  }

  private describeTask(taskArn: string) {
    const t = this.tasks.find((x) => x.taskArn === taskArn)!;
    return { taskArn, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus, startedBy: t.startedBy, launchType: 'FARGATE' };
  }
}

const json = (status: number, body: object): RecordedAnswer => ({ status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body });

let ecs: FakeEcs;
const aws = useRecordingClient((config) => new ECSClient(config), { handler: () => (ecs = new FakeEcs()).answer });

const input: SessionInput = {
  taskId: '01J9ZQ4X8K3V6N2M5P7R9T1W3Y',
  sessionId: 's-01J9ZQ4X8K3V6N2M5P7R9T1W3Y-1',
  userId: 'u-1',
  repo: 'acme/widgets',
  branchName: 'bgagent/01J9ZQ4X8K3V6N2M5P7R9T1W3Y/fix-the-bug',
  issueNumber: null,
  promptRef: 's3://prompts/p.md',
  promptVersion: 'v3',
  modelId: 'anthropic.claude-sonnet',
  maxTurns: 40,
  maxBudgetUsd: null,
  deadlineAt: '2030-01-01T00:00:00.000Z',
};

const payloadOf = (i: SessionInput): SessionPayload => ({
  ...i,
  cloneUrl: 'https://github.com/acme/widgets.git',
  gitApiUrl: 'https://api.github.com',
  harness: { type: 'claude', provider: 'bedrock' },
  verify: { build: [], test: ['npm test'], lint: [], gating: 'strict' },
  telemetry: { streamName: 'abca-telemetry', region: 'us-east-1' },
  heartbeatSeconds: 30,
});

const compute = (overrides: Partial<EcsComputeOptions> = {}) =>
  new EcsCompute({
    cluster: CLUSTER,
    taskDefinition: TASK_DEF,
    containerName: 'agent',
    subnets: ['subnet-a', 'subnet-b'],
    securityGroups: ['sg-agent'],
    payload: payloadOf,
    client: aws.client,
    ...overrides,
  });

const calls = (operation: string) => aws.server.requests.filter((r) => r.headers['x-amz-target'] === TARGET_PREFIX + operation);
const bodyOf = (r: RecordedRequest) => JSON.parse(r.body) as Record<string, unknown>;

test('startedBy (≤ 36) and clientToken (≤ 64) derive deterministically from the session id', () => {
  expect(ecsStartedByFor(input.sessionId)).toBe(input.sessionId);
  expect(ecsClientTokenFor(input.sessionId)).toBe(`abca-${input.sessionId}`);
  const long = `s-${'x'.repeat(70)}-1`;
  expect(ecsStartedByFor(long)).toMatch(/^abca-[0-9a-f]{31}$/);
  expect(ecsClientTokenFor(long)).toMatch(/^abca-[0-9a-f]{59}$/);
  expect(ecsStartedByFor(long)).toBe(ecsStartedByFor(long));
  expect(ecsStartedByFor(long)).not.toBe(ecsStartedByFor(`${long}x`));
});

describe('startSession', () => {
  test('looks for an earlier task, then RunTask with the exact parameters (JSON 1.1, X-Amz-Target)', async () => {
    const handle = await compute().startSession(input);
    expect(handle).toEqual({ computeType: 'ecs', sessionId: input.sessionId, ref: ecs.tasks[0]!.taskArn });

    expect(aws.server.requests.map((r) => r.headers['x-amz-target'])).toEqual([TARGET_PREFIX + 'ListTasks', TARGET_PREFIX + 'ListTasks', TARGET_PREFIX + 'RunTask']);
    for (const r of aws.server.requests) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/');
      expect(r.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(r.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ecs\/aws4_request, SignedHeaders=.*x-amz-target/);
    }
    expect(calls('ListTasks').map(bodyOf)).toEqual([
      { cluster: CLUSTER, startedBy: input.sessionId, desiredStatus: 'RUNNING' },
      { cluster: CLUSTER, startedBy: input.sessionId, desiredStatus: 'STOPPED' },
    ]);
    expect(bodyOf(calls('RunTask')[0]!)).toEqual({
      cluster: CLUSTER,
      taskDefinition: TASK_DEF,
      launchType: 'FARGATE',
      count: 1,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-agent'], assignPublicIp: 'DISABLED' } },
      overrides: { containerOverrides: [{ name: 'agent', environment: [{ name: 'ABCA_SESSION', value: JSON.stringify(payloadOf(input)) }] }] },
      startedBy: input.sessionId,
      clientToken: `abca-${input.sessionId}`,
    });
  });

  test('platformVersion and assignPublicIp when configured', async () => {
    await compute({ platformVersion: '1.4.0', assignPublicIp: 'ENABLED' }).startSession(input);
    const body = bodyOf(calls('RunTask')[0]!);
    expect(body.platformVersion).toBe('1.4.0');
    expect(body.networkConfiguration).toMatchObject({ awsvpcConfiguration: { assignPublicIp: 'ENABLED' } });
  });

  test('a retried start finds the running task and does not run a second one', async () => {
    const first = await compute().startSession(input);
    const again = await compute().startSession({ ...input, deadlineAt: '2030-01-01T00:05:00.000Z' });
    expect(again).toEqual(first);
    expect(calls('RunTask')).toHaveLength(1);
    expect(ecs.tasks).toHaveLength(1);
  });

  test('a session whose task already stopped is not run again', async () => {
    const first = await compute().startSession(input);
    ecs.tasks[0]!.desiredStatus = 'STOPPED';
    ecs.tasks[0]!.lastStatus = 'STOPPED';
    expect(await compute().startSession(input)).toEqual(first);
    expect(calls('RunTask')).toHaveLength(1);
  });

  test('a lost RunTask answer + a retry with another deadline: ConflictException → the task is looked up', async () => {
    const first = await compute().startSession(input);
    ecs.hideFromList = 2; // the retry's first look finds nothing yet
    const again = await compute().startSession({ ...input, deadlineAt: '2030-01-01T00:05:00.000Z' });
    expect(again).toEqual(first);
    expect(calls('RunTask')).toHaveLength(2); // the second was refused by ECS (same token, other parameters)
    expect(ecs.tasks).toHaveLength(1);
  });

  test('the same RunTask retried with the same parameters is deduplicated by the clientToken', async () => {
    await compute().startSession(input);
    ecs.hideFromList = 2;
    await compute().startSession(input);
    expect(calls('RunTask')).toHaveLength(2);
    expect(ecs.tasks).toHaveLength(1);
    expect(bodyOf(calls('RunTask')[1]!).clientToken).toBe(bodyOf(calls('RunTask')[0]!).clientToken);
  });

  test.each([
    [[{ reason: 'RESOURCE:MEMORY' }], true],
    [[{ reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' }], true],
    [[{ reason: 'AGENT' }], true],
    [[{ arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/abca-agent:7', reason: 'MISSING' }], false],
    [[{ reason: 'INACTIVE', detail: 'task definition is inactive' }], false],
    [[{ reason: 'RESOURCE:CPU' }, { reason: 'MISSING' }], false],
  ])('RunTask failures %j → ComputeStartError retryable=%s', async (failures, retryable) => {
    ecs.runTaskFailures = failures;
    const err = await compute().startSession(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(retryable);
    expect(isPermanentStartError(err)).toBe(!retryable);
    expect((err as Error).message).toContain(failures[0]!.reason);
  });

  test.each([
    [500, 'ServerException', true],
    [400, 'ThrottlingException', true],
    [400, 'ClientException', false],
    [400, 'InvalidParameterException', false],
    [400, 'AccessDeniedException', false],
    [400, 'ClusterNotFoundException', false],
  ])('HTTP %i %s → ComputeStartError retryable=%s', async (status, type, retryable) => {
    ecs.error = { status, type, operation: 'RunTask' };
    const err = await compute().startSession(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(retryable);
    expect((err as Error).message).toContain(type);
  });

  test('ListTasks refused (no permission) → permanent start error', async () => {
    ecs.error = { status: 400, type: 'AccessDeniedException', operation: 'ListTasks' };
    const err = await compute().startSession(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(false);
  });

  test('a payload too large for ECS overrides is refused before any call', async () => {
    const big = compute({ payload: (i) => ({ ...payloadOf(i), verify: { build: ['x'.repeat(9000)], test: [], lint: [], gating: 'strict' } }) });
    const err = await big.startSession(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/8192/);
    expect(aws.server.requests).toHaveLength(0);
  });
});

describe('stopSession', () => {
  test('StopTask with the task ARN and a reason', async () => {
    const handle = await compute().startSession(input);
    aws.server.requests.length = 0;
    await compute().stopSession(handle);
    expect(aws.server.requests).toHaveLength(1);
    expect(aws.server.requests[0]!.headers['x-amz-target']).toBe(TARGET_PREFIX + 'StopTask');
    expect(bodyOf(aws.server.requests[0]!)).toEqual({ cluster: CLUSTER, task: handle.ref, reason: `ABCA stopped agent session ${input.sessionId}` });
    expect(ecs.tasks[0]!.lastStatus).toBe('STOPPED');
  });

  test('without a ref the task is found by startedBy; a session without a task is a no-op', async () => {
    const handle = await compute().startSession(input);
    aws.server.requests.length = 0;
    await compute().stopSession({ computeType: 'ecs', sessionId: input.sessionId });
    expect(aws.server.requests.map((r) => String(r.headers['x-amz-target']).slice(TARGET_PREFIX.length))).toEqual(['ListTasks', 'StopTask']);
    expect(bodyOf(calls('StopTask')[0]!).task).toBe(handle.ref);

    aws.server.requests.length = 0;
    await compute().stopSession({ computeType: 'ecs', sessionId: 's-never-1' });
    expect(calls('StopTask')).toHaveLength(0);
  });

  test('a task ECS no longer knows counts as stopped; other errors surface', async () => {
    await expect(compute().stopSession({ computeType: 'ecs', sessionId: input.sessionId, ref: 'arn:aws:ecs:us-east-1:123456789012:task/abca-agents/gone' })).resolves.toBeUndefined();
    ecs.error = { status: 400, type: 'AccessDeniedException', operation: 'StopTask' };
    await expect(compute().stopSession({ computeType: 'ecs', sessionId: input.sessionId, ref: 'arn:x' })).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('describe', () => {
  test('PROVISIONING/PENDING/RUNNING → running, STOPPED → ended, no task → unknown', async () => {
    const handle = await compute().startSession(input);
    const noRef = { computeType: 'ecs' as const, sessionId: input.sessionId };
    for (const status of ['PROVISIONING', 'PENDING', 'RUNNING', 'DEPROVISIONING']) {
      ecs.tasks[0]!.lastStatus = status;
      expect(await compute().describe(handle)).toBe('running');
    }
    expect(await compute().describe(noRef)).toBe('running');
    const describeCall = calls('DescribeTasks').at(-1)!;
    expect(bodyOf(describeCall)).toEqual({ cluster: CLUSTER, tasks: [handle.ref] });

    await compute().stopSession(handle);
    expect(await compute().describe(handle)).toBe('ended');
    expect(await compute().describe(noRef)).toBe('ended'); // found among the STOPPED tasks

    expect(await compute().describe({ computeType: 'ecs', sessionId: 's-never-1' })).toBe('unknown');
    expect(await compute().describe({ computeType: 'ecs', sessionId: 's-x-1', ref: 'arn:aws:ecs:us-east-1:123456789012:task/abca-agents/gone' })).toBe('unknown');
  });
});
