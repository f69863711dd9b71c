/**
 * The finalizer against DynamoDB Local, and the whole happy path through the lifecycle services:
 * submit → admission → hydration → session (test compute) → report → finalizer → COMPLETED, with
 * every event delivered twice.
 */
import { createHarness, type Harness } from '../../adapters/testing/lifecycle-harness';
import { deadlineScheduleName } from '../session/deadline';
import { sessionIdFor } from '../session/start-session';

let h: Harness;
afterEach(async () => h?.dispose());

test('submit → admission → hydration → session → report → finalizer: COMPLETED with the pull request, the slot released', async () => {
  h = await createHarness();
  await h.onboard();
  const taskId = await h.submit();

  await h.settle();

  expect(await h.types(taskId)).toEqual(['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'SessionStarted', 'SessionEnded', 'TaskCompleted']);
  const completed = await h.last(taskId, 'TaskCompleted');
  const work = h.compute.recordedWork('octo/widgets', (await h.task(taskId) as { branchName: string }).branchName)!;
  expect(completed.data).toEqual({ prUrl: work.pullRequest!.url, prNumber: work.pullRequest!.number, warning: null });
  expect(completed.correlationId).toBe(taskId);
  expect(completed.metadata.actor).toBe('service:finalizer');
  // The deadline schedule is gone; the user's slot is released.
  expect(await h.scheduler.get(deadlineScheduleName(taskId))).toBeUndefined();
  const user = await h.store.readStream({ type: 'User', id: 'user-1' });
  expect(user.map((e) => e.type)).toEqual(['SlotAcquired', 'SlotReleased']);
});

test('every event delivered a second time records nothing new', async () => {
  h = await createHarness();
  await h.onboard();
  const taskId = await h.submit();
  await h.settle();
  const before = await h.events(taskId);
  const userBefore = await h.store.readStream({ type: 'User', id: 'user-1' });

  for (const event of before) await h.deliver(event);
  await h.compute.settle();

  expect(await h.events(taskId)).toEqual(before);
  expect(await h.store.readStream({ type: 'User', id: 'user-1' })).toEqual(userBefore);
  expect(h.compute.sessionIds()).toEqual([sessionIdFor(taskId)]);
  expect(h.compute.startsOf(sessionIdFor(taskId))).toBe(1);
});

test('an agent error without commits → FAILED (AGENT_ERROR); the git provider is the authority on the branch', async () => {
  h = await createHarness({ compute: { script: () => ({ outcome: 'error', error: 'tests would not pass' }) } });
  await h.onboard();
  const taskId = await h.submit();
  await h.settle();
  const task = await h.task(taskId);
  expect(task.status).toBe('FAILED');
  expect((await h.last(taskId, 'TaskFailed')).data).toMatchObject({ code: 'AGENT_ERROR' });
});

test('success with commits but no pull request → COMPLETED without a PR', async () => {
  h = await createHarness({ compute: { script: () => ({ commits: 2, openPullRequest: false }) } });
  await h.onboard();
  const taskId = await h.submit();
  await h.settle();
  expect((await h.last(taskId, 'TaskCompleted')).data).toMatchObject({ prUrl: null, prNumber: null });
});

test('a git provider error propagates (the message is retried) and the retry finalizes', async () => {
  h = await createHarness();
  await h.onboard();
  const taskId = await h.submit();
  h.git.failNext('findPullRequest', Object.assign(new Error('GitHub is down'), { status: 502 }));
  await expect(h.settle()).rejects.toThrow('GitHub is down');
  expect((await h.task(taskId)).status).toBe('FINALIZING');

  await h.deliver(await h.last(taskId, 'SessionEnded'));

  expect((await h.task(taskId)).status).toBe('COMPLETED');
  expect((await h.types(taskId)).filter((t) => t === 'TaskCompleted')).toHaveLength(1);
});
