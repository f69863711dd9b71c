/**
 * Reliability 2: 200 tasks from 20 users (cap 3) submitted at once. Folding the store shows at no
 * point more than 3 active tasks for any user, each user's queue served first-in first-out, and
 * every task terminal.
 */
import type { Platform } from '../../local/platform/platform';
import { admissionProblems, allTerminal, streamsOf, taskStreamProblems, viewProblems } from './checks';
import { describeProgress, startTestPlatform, submit, waitUntil } from '../support/platform';

const USERS = 20;
const TASKS = 200;
const CAP = 3;
let platform: Platform;

beforeAll(async () => {
  platform = await startTestPlatform({ admission: { maxActiveTasks: CAP }, testCompute: { delayMs: 40 } });
}, 180_000);
afterAll(() => platform?.stop());

test(`${TASKS} tasks from ${USERS} users at once: never more than ${CAP} active per user, FIFO queues, all terminal`, async () => {
  const ids = await Promise.all(Array.from({ length: TASKS }, async (_, i) => (await submit(platform, `load-user-${i % USERS}`)).taskId));
  await waitUntil(() => allTerminal(platform.store, ids), 240_000, 'every task terminal').catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await describeProgress(platform, ids)}`);
  });
  await platform.quiesce();

  const tasks = await streamsOf(platform.store, 'Task');
  const users = await streamsOf(platform.store, 'User');
  expect(users.size).toBe(USERS);
  expect(taskStreamProblems(tasks, ids)).toEqual([]);
  expect(admissionProblems(users, CAP)).toEqual([]);
  // The queue was used (the test would prove nothing if no user ever waited).
  const queued = [...tasks.values()].filter((events) => events.some((e) => e.type === 'TaskQueued')).length;
  expect(queued).toBeGreaterThan(TASKS / 2);
  expect(await viewProblems(platform.views, tasks, users)).toEqual([]);
}, 300_000);
