/**
 * Helpers for tests that run the embedded platform: start it on the run's DynamoDB Local under a
 * fresh table prefix, submit tasks, and wait for views.
 */
import { startPlatform, type Platform, type PlatformOptions } from '../../local/platform/platform';
import { QUEUE_ENTRIES } from '../../services/catalog';
import { onboardRepo } from '../../services/repos/repo/onboard-repo';
import { submitTask, type SubmitTaskInput } from '../../services/tasks/task/submit-task';
import { uniquePrefix, testEndpoint } from './dynamo';

export const TEST_REPO = 'acme/widgets';

export async function startTestPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const platform = await startPlatform({
    dynamodbEndpoint: testEndpoint(),
    tablePrefix: uniquePrefix('p'),
    schedules: false,
    visibilityTimeoutMs: 200,
    retryBaseDelayMs: 20,
    ...options,
  });
  await onboardRepo(platform.store, TEST_REPO, {}, { causationId: 'test-setup', actor: 'system', now: new Date() });
  return platform;
}

export function submit(platform: Platform, userId: string, extra: Partial<SubmitTaskInput> = {}) {
  return submitTask(
    platform.store,
    { userId, repo: TEST_REPO, taskDescription: 'Add a README badge', issueNumber: null, channelSource: 'api', idempotencyKey: null, ...extra },
    { causationId: `test:${userId}`, actor: `user:${userId}`, now: new Date() },
  );
}

/** Polls `probe` until it is truthy. The deadline only guards against a hang: on a loaded machine the pipeline may take many seconds. */
export async function waitUntil<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** For failure messages: each unfinished task's events, and what waits in each service queue. */
export async function describeProgress(platform: Platform, taskIds: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const id of taskIds) {
    const types = (await platform.store.readStream({ type: 'Task', id })).map((e) => e.type);
    if (!['TaskCompleted', 'TaskFailed', 'TaskCancelled', 'TaskTimedOut'].includes(types.at(-1) ?? '')) lines.push(`${id}: ${types.join(' → ')}`);
  }
  for (const { name } of QUEUE_ENTRIES) {
    const [queued, dead] = await Promise.all([platform.eventBridge.peekQueue(`abca-${name}`), platform.eventBridge.peekQueue(`abca-${name}-dlq`)]);
    if (queued.length || dead.length) lines.push(`queue abca-${name}: ${queued.length} waiting, ${dead.length} dead-lettered`);
  }
  return lines.join('\n');
}
