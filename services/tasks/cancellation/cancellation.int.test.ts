/** The cancellation service against DynamoDB Local: a RUNNING task is stopped at compute, then CANCELLED. */
import { createHarness, type Harness } from '../../adapters/testing/lifecycle-harness';
import { deadlineScheduleName } from '../session/deadline';
import { sessionIdFor } from '../session/start-session';
import { recordSessionReport } from '../session-monitor/session-report';

let h: Harness;
afterEach(async () => h?.dispose());

async function running(): Promise<string> {
  const taskId = await h.submit();
  await h.pump();
  expect((await h.task(taskId)).status).toBe('RUNNING');
  return taskId;
}

test('cancellation while RUNNING → the compute session is stopped → CANCELLED; deadline unscheduled, slot released', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await running();
  expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeDefined();

  await h.requestCancellation(taskId);
  await h.services.cancellation.onEvent!(await h.last(taskId, 'TaskCancellationRequested'), h.ctx);

  expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(true);
  expect((await h.types(taskId)).slice(-2)).toEqual(['TaskCancellationRequested', 'TaskCancelled']);
  expect((await h.last(taskId, 'TaskCancelled')).data).toEqual({ previousStatus: 'RUNNING' });
  expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeUndefined();
  await h.pump(); // TaskCancelled → admission
  expect((await h.store.readStream({ type: 'User', id: 'user-1' })).map((e) => e.type)).toEqual(['SlotAcquired', 'SlotReleased']);
});

test('a redelivered TaskCancellationRequested records nothing new', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await running();
  await h.requestCancellation(taskId);
  const event = await h.last(taskId, 'TaskCancellationRequested');
  await h.services.cancellation.onEvent!(event, h.ctx);
  const before = await h.events(taskId);

  await h.services.cancellation.onEvent!(event, h.ctx);
  await h.services.cancellation.onEvent!(event, h.ctx);

  expect(await h.events(taskId)).toEqual(before);
});

test('the session ended before it was stopped: finalization wins', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await running();
  await h.requestCancellation(taskId);
  await recordSessionReport(h.deps, { taskId, sessionId: sessionIdFor(taskId), outcome: 'success', error: null, turns: 1, costUsd: 0, commits: 1, prUrl: null, prNumber: null, buildPassed: null, lintPassed: null });

  await h.services.cancellation.onEvent!(await h.last(taskId, 'TaskCancellationRequested'), h.ctx);

  expect((await h.task(taskId)).status).toBe('FINALIZING');
  expect(h.compute.wasStopped(sessionIdFor(taskId))).toBe(false);
});

test('a task cancelled before it ran is already CANCELLED: the service does nothing', async () => {
  h = await createHarness();
  await h.onboard();
  const taskId = await h.submit();
  await h.requestCancellation(taskId);
  const before = await h.events(taskId);
  await h.services.cancellation.onEvent!(await h.last(taskId, 'TaskCancellationRequested'), h.ctx);
  expect(await h.events(taskId)).toEqual(before);
  expect(h.compute.sessionIds()).toEqual([]);
});
