/**
 * The watchdog against DynamoDB Local, with the durable local scheduler for deadlines and the view
 * test doubles as its worklist: it re-drives what it can, fails what it must (with a reason), and a
 * sweep run again records nothing new.
 */
import { createHarness, REPO, type Harness } from '../../adapters/testing/lifecycle-harness';
import { deadlineScheduleName } from '../session/deadline';
import { sessionIdFor } from '../session/start-session';
import { recordSessionReport } from '../session-monitor/session-report';
import type { WatchdogAction } from './actions';

let h: Harness;
afterEach(async () => h?.dispose());

const MIN = 60_000;

/** Every event of the store, as a count (a sweep that records nothing leaves it unchanged). */
async function eventCount(): Promise<number> {
  let n = 0;
  for await (const _ of h.store.readAll()) n += 1;
  return n;
}

async function sweep(): Promise<WatchdogAction[]> {
  return [...(await h.services.watchdog.sweepNow(h.logger)).actions];
}

/** A second sweep right after records nothing and acts on nothing. */
async function expectIdleSweep(): Promise<void> {
  const before = await eventCount();
  const actions = await sweep();
  expect(actions.filter((a) => a.result !== 'noop')).toEqual([]);
  expect(await eventCount()).toBe(before);
}

async function running(): Promise<string> {
  const taskId = await h.submit();
  await h.pump();
  expect((await h.task(taskId)).status).toBe('RUNNING');
  return taskId;
}

describe('deadlines', () => {
  test('the durable deadline fires at deadlineAt → TIMED_OUT and the compute session is stopped; once', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
    await h.onboard(REPO, { session: { maxDurationMinutes: 30 } });
    const taskId = await running();

    expect(await h.scheduler.tick()).toBe(0);
    h.clock.advance(29 * MIN);
    expect(await h.scheduler.tick()).toBe(0);
    h.clock.advance(1 * MIN);
    expect(await h.scheduler.tick()).toBe(1);

    expect((await h.task(taskId)).status).toBe('TIMED_OUT');
    expect((await h.last(taskId, 'TaskTimedOut')).data).toEqual({ deadlineAt: ((await h.last(taskId, 'SessionStarted')).data as { deadlineAt: string }).deadlineAt, sessionId: sessionIdFor(taskId) });
    expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(true);
    expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeUndefined();
    expect(await h.scheduler.tick()).toBe(0);

    // The same trigger delivered again records nothing.
    const before = await h.events(taskId);
    const due = h.fired[0]!;
    await h.services.watchdog.onTrigger(h.trigger(due.source, due.detailType, { ...due.detail }), h.ctx);
    expect(await h.events(taskId)).toEqual(before);
    await h.pump();
    await expectIdleSweep();
  });

  test('a deadline for a task that completed meanwhile does nothing (the finalizer cancelled the schedule anyway)', async () => {
    h = await createHarness();
    await h.onboard(REPO, { session: { maxDurationMinutes: 1 } });
    const taskId = await h.submit();
    await h.settle();
    expect((await h.task(taskId)).status).toBe('COMPLETED');
    const before = await h.events(taskId);
    const started = await h.last(taskId, 'SessionStarted');
    await h.services.watchdog.onTrigger(h.trigger('abca.scheduler', 'SessionDeadlineReached', { ...started.data, taskId }), h.ctx);
    expect(await h.events(taskId)).toEqual(before);
  });

  test('backstop: a RUNNING task past its deadline whose schedule was lost is timed out by the sweep', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
    await h.onboard(REPO, { session: { maxDurationMinutes: 30 } });
    const taskId = await running();
    await h.scheduler.cancel(deadlineScheduleName(taskId)); // lost
    h.clock.advance(30 * MIN);
    expect(await sweep()).toEqual([]); // within the grace period
    h.clock.advance(1 * MIN);

    const actions = await sweep();

    expect(actions).toEqual([expect.objectContaining({ taskId, status: 'RUNNING', action: 'time-out', result: 'done', reason: expect.stringContaining('past its deadline') })]);
    expect((await h.task(taskId)).status).toBe('TIMED_OUT');
    expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(true);
    await h.pump();
    await expectIdleSweep();
  });
});

describe('sweep', () => {
  test('a SUBMITTED task never admitted (TaskSubmitted lost) is re-driven through admission', async () => {
    h = await createHarness();
    await h.onboard();
    const taskId = await h.submit(); // TaskSubmitted is never delivered
    h.clock.advance(30_000);
    expect(await sweep()).toEqual([]);
    h.clock.advance(31_000);

    const actions = await sweep();

    expect(actions).toEqual([expect.objectContaining({ taskId, status: 'SUBMITTED', action: 'redrive-admission', result: 'done' })]);
    expect((await h.task(taskId)).status).toBe('HYDRATING');
    await expectIdleSweep();
  });

  test('the scheduled sweep (aws.events Scheduled Event) runs the same policies, and every action is logged with the task id and the reason', async () => {
    h = await createHarness();
    await h.onboard();
    const taskId = await h.submit();
    h.clock.advance(2 * MIN);
    const info = jest.spyOn(h.logger, 'info');

    await h.services.watchdog.onTrigger(h.trigger('aws.events', 'Scheduled Event'), h.ctx);

    expect((await h.task(taskId)).status).toBe('HYDRATING');
    expect(info).toHaveBeenCalledWith('watchdog action', expect.objectContaining({ taskId, action: 'redrive-admission', reason: expect.stringContaining('never admitted') }));
  });

  test('a RUNNING task whose session vanished (compute: unknown) and sent no report → FAILED HEARTBEAT_LOST', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'vanish', delayMs: 1 }) } });
    await h.onboard(REPO, { session: { heartbeatTimeoutSeconds: 120 } });
    const taskId = await running();
    await h.compute.settle();
    expect(await h.compute.describe({ computeType: 'test', sessionId: sessionIdFor(taskId) })).toBe('unknown');
    h.clock.advance(200_000); // long after the start: only the first sighting of the session gone counts now
    expect(await sweep()).toEqual([]); // first seen gone: its report may still be on the way
    h.clock.advance(119_000);
    expect(await sweep()).toEqual([]); // gone for less than the repo's heartbeat timeout (120 s)
    h.clock.advance(1_000);

    const actions = await sweep();

    expect(actions).toEqual([expect.objectContaining({ taskId, status: 'RUNNING', action: 'fail', detail: 'HEARTBEAT_LOST', result: 'done' })]);
    const failed = await h.last(taskId, 'TaskFailed');
    expect(failed.data).toMatchObject({ code: 'HEARTBEAT_LOST', reason: expect.stringContaining(`The agent session ${sessionIdFor(taskId)} vanished`) });
    expect(failed.metadata.actor).toBe('service:watchdog');
    expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeUndefined();
    await h.pump();
    await expectIdleSweep();
  });

  test('a session that just ended is not failed while its report is on the way, however long it ran', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
    await h.onboard(REPO, { session: { heartbeatTimeoutSeconds: 120 } });
    const taskId = await running();
    h.clock.advance(120 * MIN); // a long session...
    await h.compute.stopSession({ computeType: 'test', sessionId: sessionIdFor(taskId) }); // ...that just ended at compute
    expect(await sweep()).toEqual([]);
    h.clock.advance(30_000);
    expect(await sweep()).toEqual([]);
    await recordSessionReport(h.deps, { taskId, sessionId: sessionIdFor(taskId), outcome: 'success', error: null, turns: 2, costUsd: 0.1, commits: 0, prUrl: null, prNumber: null, buildPassed: null, lintPassed: null });
    expect((await h.task(taskId)).status).toBe('FINALIZING');
  });

  test('a session the compute still runs is left alone', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
    await h.onboard();
    await running();
    h.clock.advance(60 * MIN);
    expect(await sweep()).toEqual([]);
  });

  test('a session the compute still runs but whose agent went silent for the heartbeat limit → FAILED HEARTBEAT_LOST, and it is stopped', async () => {
    const lastSeen = new Map<string, string>();
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) }, ports: { heartbeats: { lastHeartbeatAt: async (id: string) => lastSeen.get(id) ?? null } } });
    await h.onboard(REPO, { session: { heartbeatTimeoutSeconds: 120 } });
    const taskId = await running();
    h.clock.advance(100_000);
    lastSeen.set(taskId, h.clock.now().toISOString()); // a heartbeat at +100 s
    h.clock.advance(119_000);
    expect(await sweep()).toEqual([]); // 119 s of silence: under the limit
    expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(false);
    h.clock.advance(1_000);

    const actions = await sweep();

    expect(actions).toEqual([expect.objectContaining({ taskId, status: 'RUNNING', action: 'fail', detail: 'HEARTBEAT_LOST', result: 'done' })]);
    const failed = await h.last(taskId, 'TaskFailed');
    expect(failed.data).toMatchObject({ code: 'HEARTBEAT_LOST', reason: expect.stringContaining('went silent') });
    expect((failed.data as { reason: string }).reason).toContain(lastSeen.get(taskId));
    expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(true);
    expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeUndefined();
    await h.pump();
    await expectIdleSweep();
  });

  test('an agent that keeps sending heartbeats is left alone however long it runs', async () => {
    const lastSeen = new Map<string, string>();
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) }, ports: { heartbeats: { lastHeartbeatAt: async (id: string) => lastSeen.get(id) ?? null } } });
    await h.onboard(REPO, { session: { heartbeatTimeoutSeconds: 120 } });
    const taskId = await running();
    for (let i = 0; i < 10; i++) {
      h.clock.advance(60_000);
      lastSeen.set(taskId, h.clock.now().toISOString());
      expect(await sweep()).toEqual([]);
    }
    expect((await h.task(taskId)).status).toBe('RUNNING');
  });

  test('a queued task past the queue maximum age → FAILED QUEUE_TIMEOUT; the running one is untouched', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) }, admission: { maxActiveTasks: 1, queueMaxAgeMs: 10 * MIN } });
    await h.onboard();
    const first = await h.submit();
    const second = await h.submit();
    await h.pump();
    expect((await h.task(first)).status).toBe('RUNNING');
    expect((await h.task(second)).status).toBe('QUEUED');
    h.clock.advance(10 * MIN);
    expect(await sweep()).toEqual([]);
    h.clock.advance(1000);

    const actions = await sweep();

    expect(actions).toEqual([expect.objectContaining({ taskId: second, status: 'QUEUED', action: 'expire-queue', result: 'done' })]);
    expect((await h.last(second, 'TaskFailed')).data).toMatchObject({ code: 'QUEUE_TIMEOUT' });
    expect((await h.task(first)).status).toBe('RUNNING');
    await h.pump();
    await expectIdleSweep();
  });

  test('a slot still held by a task that ended (its release was lost) is released, which admits the queued task', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) }, admission: { maxActiveTasks: 1 } });
    await h.onboard();
    const first = await h.submit();
    const second = await h.submit();
    await h.pump();
    expect((await h.task(second)).status).toBe('QUEUED');
    // The first task ends, but its terminal event never reaches admission.
    await recordSessionReport(h.deps, { taskId: first, sessionId: sessionIdFor(first), outcome: 'error', error: 'crashed', turns: 1, costUsd: 0, commits: 0, prUrl: null, prNumber: null, buildPassed: null, lintPassed: null });
    await h.services.finalizer.onEvent!(await h.last(first, 'SessionEnded'), h.ctx);
    expect((await h.task(first)).status).toBe('FAILED');
    h.clock.advance(30_000);
    expect(await sweep()).toEqual([]); // the release may still be on its way
    h.clock.advance(31_000);

    const actions = await sweep();

    expect(actions).toEqual([expect.objectContaining({ taskId: first, status: 'FAILED', action: 'release-slot', result: 'done' })]);
    expect((await h.task(second)).status).toBe('HYDRATING');
    await expectIdleSweep();
  });

  test('HYDRATING without progress: hydration is re-driven, then (once hydrated) the session start', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
    await h.onboard();
    const taskId = await h.submit();
    await h.deliver(await h.last(taskId, 'TaskSubmitted')); // TaskAdmitted never reaches hydration
    h.clock.advance(5 * MIN);

    expect(await sweep()).toEqual([expect.objectContaining({ taskId, status: 'HYDRATING', action: 'redrive-hydration', result: 'done', detail: 'hydrated' })]);
    expect(await h.types(taskId)).toContain('ContextHydrated');
    await expectIdleSweep(); // just hydrated: not stuck

    h.clock.advance(5 * MIN); // and ContextHydrated never reaches the session service
    expect(await sweep()).toEqual([expect.objectContaining({ taskId, status: 'HYDRATING', action: 'redrive-session', result: 'done', detail: 'started' })]);
    expect((await h.task(taskId)).status).toBe('RUNNING');
    expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeDefined();
    await expectIdleSweep();
  });

  test('HYDRATING whose re-drives keep failing → FAILED STRANDED with the reason, after the fail threshold only', async () => {
    h = await createHarness();
    await h.onboard();
    h.git.failNext('getIssue', Object.assign(new Error('Service Unavailable'), { status: 503 }), 1000);
    const taskId = await h.submit({ description: null, issueNumber: 5 });
    await h.deliver(await h.last(taskId, 'TaskSubmitted'));
    await expect(h.deliver(await h.last(taskId, 'TaskAdmitted'))).rejects.toThrow('Service Unavailable');
    h.clock.advance(10 * MIN);
    expect(await sweep()).toEqual([expect.objectContaining({ taskId, action: 'redrive-hydration', result: 'error' })]);
    expect((await h.task(taskId)).status).toBe('HYDRATING');
    h.clock.advance(21 * MIN);

    const actions = await sweep();

    expect(actions.map((a) => [a.action, a.result])).toEqual([
      ['redrive-hydration', 'error'],
      ['fail', 'done'],
    ]);
    expect((await h.last(taskId, 'TaskFailed')).data).toMatchObject({
      code: 'STRANDED',
      reason: expect.stringMatching(/its context could not be hydrated within 30 min.*Service Unavailable/),
    });
    await h.pump();
    await expectIdleSweep();
  });

  test('FINALIZING without a result (SessionEnded lost) → the finalizer logic is re-run', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
    await h.onboard();
    const taskId = await running();
    await recordSessionReport(h.deps, { taskId, sessionId: sessionIdFor(taskId), outcome: 'success', error: null, turns: 2, costUsd: 0.1, commits: 1, prUrl: null, prNumber: null, buildPassed: true, lintPassed: true });
    h.clock.advance(1 * MIN);
    expect(await sweep()).toEqual([]);
    h.clock.advance(1 * MIN);

    expect(await sweep()).toEqual([expect.objectContaining({ taskId, status: 'FINALIZING', action: 'redrive-finalizer', result: 'done', detail: 'FAILED' })]);
    // No commits on the branch per the git provider (the hanging session pushed nothing): NO_CHANGES.
    expect((await h.last(taskId, 'TaskFailed')).data).toMatchObject({ code: 'NO_CHANGES' });
    await h.pump();
    await expectIdleSweep();
  });

  test('a cancellation that was requested but never completed is re-driven', async () => {
    h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
    await h.onboard();
    const taskId = await running();
    await h.requestCancellation(taskId); // never delivered to the cancellation service
    h.clock.advance(3 * MIN);

    expect(await sweep()).toEqual([expect.objectContaining({ taskId, status: 'RUNNING', action: 'redrive-cancellation', result: 'done' })]);
    expect((await h.task(taskId)).status).toBe('CANCELLED');
    expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(true);
    await h.pump();
    await expectIdleSweep();
  });
});
