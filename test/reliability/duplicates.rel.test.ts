/**
 * Reliability 1: every event delivered twice and in shuffled order → the same outcome as a clean
 * run: every task ends once, no event is duplicated in the store, and the views equal a rebuild.
 */
import type { Platform } from '../../local/platform/platform';
import { ChaosBus } from './chaos-bus';
import { admissionProblems, allTerminal, streamsOf, taskStreamProblems, viewProblems } from './checks';
import { describeProgress, startTestPlatform, submit, waitUntil } from '../support/platform';

let platform: Platform;
let chaos: ChaosBus | undefined;

beforeAll(async () => {
  platform = await startTestPlatform({
    testCompute: { delayMs: 30 },
    decorateBus: (bus) => (chaos = new ChaosBus(bus, 150)),
  });
}, 180_000);
afterAll(() => platform?.stop());

test('duplicated, shuffled delivery: 40 tasks from 5 users end once each; views equal a rebuild', async () => {
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      ids.push((await submit(platform, `dup-user-${i % 5}`)).taskId);
    }),
  );
  await waitUntil(() => allTerminal(platform.store, ids), 240_000, 'every task terminal').catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await describeProgress(platform, ids)}`);
  });
  await chaos!.settle();
  await platform.quiesce();
  await chaos!.settle();
  await platform.quiesce();

  const tasks = await streamsOf(platform.store, 'Task');
  const users = await streamsOf(platform.store, 'User');
  expect(taskStreamProblems(tasks, ids)).toEqual([]);
  const admission = admissionProblems(users, 3);
  if (admission.length) {
    for (const [id, events] of users) console.log(id, events.map((e) => `${e.sequence}:${e.type}(${(e.data as { taskId: string }).taskId.slice(-4)}) cause=${e.causationId.slice(-6)}`).join('\n  '));
  }
  expect(admission).toEqual([]);
  expect(await viewProblems(platform.views, tasks, users)).toEqual([]);
  expect(chaos!.published).toBeGreaterThan(0);
  expect([...tasks.values()].every((events) => events.at(-1)!.type === 'TaskCompleted')).toBe(true);
}, 360_000);
