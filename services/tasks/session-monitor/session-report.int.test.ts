/** recordSessionReport against DynamoDB Local: a report → SessionEnded once; duplicates and foreign sessions. */
import { createHarness, type Harness } from '../../adapters/testing/lifecycle-harness';
import { sessionIdFor } from '../session/start-session';
import { recordSessionReport, type SessionReport } from './session-report';

let h: Harness;
afterEach(async () => h?.dispose());

async function running(): Promise<string> {
  const taskId = await h.submit();
  for (const type of ['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated'] as const) await h.deliver(await h.last(taskId, type));
  expect((await h.task(taskId)).status).toBe('RUNNING');
  return taskId;
}

const report = (taskId: string, overrides: Partial<SessionReport> = {}): SessionReport => ({
  taskId,
  sessionId: sessionIdFor(taskId),
  outcome: 'success',
  error: null,
  turns: 7,
  costUsd: 0.25,
  commits: 2,
  prUrl: 'https://forge.test/octo/widgets/pull/9',
  prNumber: 9,
  buildPassed: true,
  lintPassed: null,
  ...overrides,
});

test('the final report becomes SessionEnded (FINALIZING); the same report again is a duplicate', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await running();

  const first = await recordSessionReport(h.deps, report(taskId), { causationId: 'kinesis:49590338271490256608559692538361571095921575989136588898' });
  const again = await recordSessionReport(h.deps, report(taskId));

  expect(first.status).toBe('recorded');
  expect(again).toEqual({ status: 'duplicate' });
  const ended = await h.last(taskId, 'SessionEnded');
  const { taskId: _t, ...data } = report(taskId);
  expect(ended.data).toEqual(data);
  expect(ended.metadata.actor).toBe('service:session-monitor');
  expect((await h.task(taskId)).status).toBe('FINALIZING');
  expect((await h.types(taskId)).filter((t) => t === 'SessionEnded')).toHaveLength(1);
});

test('a report for another session is ignored (nothing recorded)', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await running();
  const result = await recordSessionReport(h.deps, report(taskId, { sessionId: 'someone-else' }));
  expect(result).toMatchObject({ status: 'ignored', reason: expect.stringContaining('someone-else') });
  expect((await h.task(taskId)).status).toBe('RUNNING');
});

test('a report that races ahead of SessionStarted throws (the caller retries) and is recorded once the session is', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await h.submit();
  await h.deliver(await h.last(taskId, 'TaskSubmitted'));
  await h.deliver(await h.last(taskId, 'TaskAdmitted'));
  await expect(recordSessionReport(h.deps, report(taskId))).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  await h.deliver(await h.last(taskId, 'ContextHydrated'));
  expect((await recordSessionReport(h.deps, report(taskId))).status).toBe('recorded');
});

test('a report after the task ended without one (cancelled) is ignored with a reason', async () => {
  h = await createHarness({ compute: { script: () => ({ behaviour: 'hang' }) } });
  await h.onboard();
  const taskId = await running();
  await h.requestCancellation(taskId);
  await h.deliver(await h.last(taskId, 'TaskCancellationRequested'));
  expect((await h.task(taskId)).status).toBe('CANCELLED');
  const result = await recordSessionReport(h.deps, report(taskId));
  expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('already ended (CANCELLED)') });
  expect(await h.types(taskId)).not.toContain('SessionEnded');
});
