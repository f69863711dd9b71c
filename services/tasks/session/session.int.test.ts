/**
 * The session service against DynamoDB Local: ContextHydrated → the test compute starts the session
 * (id chosen before the start) → SessionStarted with the repo's deadline, scheduled durably; start
 * failures (permanent → FAILED, transient → retried); a task cancelled while its session started.
 */
import { handleCommand } from '../../kernel/command-handler';
import type { SessionInput } from '../../ports/compute';
import { repoDecider } from '../../repos/repo/repo-decider';
import { createHarness, REPO, type Harness } from '../../adapters/testing/lifecycle-harness';
import type { TestCompute } from '../../adapters/compute/test-compute';
import { DEADLINE_DETAIL_TYPE, DEADLINE_SOURCE, deadlineScheduleName } from './deadline';
import { sessionIdFor } from './start-session';

let h: Harness;
afterEach(async () => h?.dispose());

/** Submit, admit and hydrate a task; returns its id once ContextHydrated is recorded. */
async function hydrated(): Promise<string> {
  const taskId = await h.submit();
  await h.deliver(await h.last(taskId, 'TaskSubmitted'));
  await h.deliver(await h.last(taskId, 'TaskAdmitted'));
  await h.last(taskId, 'ContextHydrated');
  return taskId;
}

test('ContextHydrated → SessionStarted (session id chosen before the start, deadline from the repo config), deadline scheduled', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard(REPO, { session: { maxDurationMinutes: 30 } });
  const taskId = await hydrated();
  const now = h.clock.now();

  await h.services.session.onEvent!(await h.last(taskId, 'ContextHydrated'), h.ctx);

  const started = await h.last(taskId, 'SessionStarted');
  const deadlineAt = new Date(now.getTime() + 30 * 60_000).toISOString();
  expect(started.data).toEqual({ sessionId: sessionIdFor(taskId), computeType: 'local', deadlineAt });
  expect(h.compute.startsOf(sessionIdFor(taskId))).toBe(1);
  expect(await h.compute.describe({ computeType: 'test', sessionId: sessionIdFor(taskId) })).toBe('running');
  expect(await h.scheduler.get(deadlineScheduleName(taskId))).toEqual({
    name: deadlineScheduleName(taskId),
    at: new Date(deadlineAt),
    source: DEADLINE_SOURCE,
    detailType: DEADLINE_DETAIL_TYPE,
    detail: { taskId, sessionId: sessionIdFor(taskId), deadlineAt },
  });
});

test('when the repo config cannot be read (offboarded since), the default session duration (480 min) applies', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard(REPO, { session: { maxDurationMinutes: 30 } });
  const taskId = await hydrated();
  await handleCommand(h.store, repoDecider, { type: 'Repo', id: REPO }, { type: 'OffboardRepo', repo: REPO, reason: null }, { correlationId: REPO, causationId: 'test', actor: 'system', now: h.clock.now() });
  const now = h.clock.now();
  await h.services.session.onEvent!(await h.last(taskId, 'ContextHydrated'), h.ctx);
  expect((await h.last(taskId, 'SessionStarted')).data).toMatchObject({ deadlineAt: new Date(now.getTime() + 480 * 60_000).toISOString() });
});

test('a redelivered ContextHydrated records nothing new and starts no second session; the deadline keeps its time', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await hydrated();
  const event = await h.last(taskId, 'ContextHydrated');
  await h.services.session.onEvent!(event, h.ctx);
  const before = await h.events(taskId);
  const schedule = await h.scheduler.get(deadlineScheduleName(taskId));
  h.clock.advance(60_000);

  await h.services.session.onEvent!(event, h.ctx);
  await h.services.session.onEvent!(event, h.ctx);

  expect(await h.events(taskId)).toEqual(before);
  expect(h.compute.sessionIds()).toEqual([sessionIdFor(taskId)]);
  expect((await h.scheduler.get(deadlineScheduleName(taskId)))?.at).toEqual(schedule?.at);
});

test('a permanent start failure fails the task (SESSION_START_FAILED) with the reason', async () => {
  h = await createHarness({ compute: { script: () => ({ startFailure: { message: 'no capacity for this image', retryable: false } }) } });
  await h.onboard();
  const taskId = await hydrated();

  await h.services.session.onEvent!(await h.last(taskId, 'ContextHydrated'), h.ctx);

  expect((await h.task(taskId)).status).toBe('FAILED');
  expect((await h.last(taskId, 'TaskFailed')).data).toMatchObject({ code: 'SESSION_START_FAILED', reason: expect.stringContaining('no capacity for this image') });
  expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeUndefined();
});

test('a transient start failure is rethrown (retried), and the retry starts the session once', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang', startFailure: { message: 'throttled', retryable: true, times: 1 } }) } });
  await h.onboard();
  const taskId = await hydrated();
  const event = await h.last(taskId, 'ContextHydrated');

  await expect(h.services.session.onEvent!(event, h.ctx)).rejects.toThrow('throttled');
  expect((await h.task(taskId)).status).toBe('HYDRATING');

  await h.services.session.onEvent!(event, h.ctx);
  expect((await h.task(taskId)).status).toBe('RUNNING');
  expect((await h.types(taskId)).filter((t) => t === 'SessionStarted')).toHaveLength(1);
});

test('a task cancelled while its session was starting: nothing is recorded and the compute session is stopped', async () => {
  let harness: Harness | undefined;
  const wrap = (compute: TestCompute) => ({
    type: compute.type,
    describe: compute.describe.bind(compute),
    stopSession: compute.stopSession.bind(compute),
    async startSession(input: SessionInput) {
      const handle = await compute.startSession(input);
      await harness!.requestCancellation(input.taskId); // the user cancels meanwhile
      return handle;
    },
  });
  h = harness = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) }, wrapCompute: wrap });
  await h.onboard();
  const taskId = await hydrated();

  await h.services.session.onEvent!(await h.last(taskId, 'ContextHydrated'), h.ctx);

  expect(await h.types(taskId)).toEqual(['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'TaskCancellationRequested', 'TaskCancelled']);
  expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(true);
  expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeUndefined();
});
