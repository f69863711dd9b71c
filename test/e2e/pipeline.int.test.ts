/**
 * The whole choreography on one machine: submit → admission → hydration → session (test
 * compute) → report → finalizer → COMPLETED, every hop through the outbox publisher, the local
 * EventBridge rules from the catalog, local queues and the service consumers; the views follow.
 */
import type { Platform } from '../../local/platform/platform';
import { handleCommand } from '../../services/kernel/command-handler';
import { taskDecider } from '../../services/task/task-decider';
import { startTestPlatform, submit, waitUntil } from '../support/platform';

let platform: Platform;
/** Sessions of these tasks never report on their own: only a stop ends them. */
const hanging = new Set<string>();

beforeAll(async () => {
  platform = await startTestPlatform({ testCompute: { delayMs: 50, script: (input) => (hanging.has(input.taskId) ? { behaviour: 'hang' } : undefined) } });
}, 30_000);
afterAll(() => platform?.stop());

test('a submitted task flows to COMPLETED with a PR, through the bus only', async () => {
  const { taskId } = await submit(platform, 'alice');
  const view = await waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v?.status === 'COMPLETED' ? v : undefined;
  }, 20_000, 'task COMPLETED in the view');
  expect(view).toMatchObject({ userId: 'alice', repo: 'acme/widgets', prUrl: expect.stringContaining('/pull/'), sessionId: expect.any(String) });
  const types = (await platform.store.readStream({ type: 'Task', id: taskId })).map((e) => e.type);
  expect(types).toEqual(['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'SessionStarted', 'SessionEnded', 'TaskCompleted']);
  await waitUntil(async () => ((await platform.views.concurrencyViews.get('alice'))?.active.length === 0 ? true : undefined), 10_000, 'slot released');
}, 30_000);

test('the fourth concurrent task of a user waits in the queue and runs when a slot frees', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await submit(platform, 'bob')).taskId);
  await waitUntil(async () => {
    const views = await Promise.all(ids.map((id) => platform.views.taskViews.get(id)));
    return views.every((v) => v?.status === 'COMPLETED') ? true : undefined;
  }, 20_000, 'all four COMPLETED');
  const fourth = await platform.store.readStream({ type: 'Task', id: ids[3]! });
  expect(fourth.map((e) => e.type).slice(0, 3)).toEqual(['TaskSubmitted', 'TaskQueued', 'TaskAdmitted']);
}, 30_000);

test('cancelling a running task stops its session and ends CANCELLED', async () => {
  const taskId = 'T-CANCEL-1';
  hanging.add(taskId);
  await submit(platform, 'carol', { taskId });
  await waitUntil(async () => ((await platform.views.taskViews.get(taskId))?.status === 'RUNNING' ? true : undefined), 10_000, 'RUNNING');
  await handleCommand(platform.store, taskDecider, { type: 'Task', id: taskId }, { type: 'RequestCancellation', requestedBy: 'user:carol', reason: null }, { correlationId: taskId, causationId: 'test', actor: 'user:carol', now: new Date() });
  await waitUntil(async () => ((await platform.views.taskViews.get(taskId))?.status === 'CANCELLED' ? true : undefined), 10_000, 'CANCELLED');
  expect(await platform.compute.describe({ computeType: 'test', sessionId: `s-${taskId}-1` })).toBe('ended');
  const types = (await platform.store.readStream({ type: 'Task', id: taskId })).map((e) => e.type);
  expect(types.slice(-2)).toEqual(['TaskCancellationRequested', 'TaskCancelled']);
}, 30_000);
