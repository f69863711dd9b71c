/** The test compute and the test git provider: scripted sessions, idempotent start and stop, liveness. */
import type { SessionInput } from '../../ports/compute';
import type { SessionReport } from '../../tasks/session-monitor/session-report';
import { TestCompute } from './test-compute';
import { TestGitProvider } from '../git/test-git-provider';

const input = (taskId: string): SessionInput => ({
  taskId,
  sessionId: `s-${taskId}-1`,
  userId: 'u',
  repo: 'octo/widgets',
  branchName: `bgagent/${taskId}/x`,
  issueNumber: null,
  promptRef: 'file:///p.md',
  promptVersion: '0123456789ab',
  modelId: 'm',
  maxTurns: 10,
  maxBudgetUsd: null,
  deadlineAt: '2030-01-01T00:00:00.000Z',
});
const handle = (taskId: string) => ({ computeType: 'test' as const, sessionId: `s-${taskId}-1` });

let compute: TestCompute;
afterEach(() => compute.dispose());

test('by default a session reports success with 1 commit and a pull request, which the git provider then sees', async () => {
  const reports: SessionReport[] = [];
  compute = new TestCompute({ delayMs: 1, onReport: (r) => void reports.push(r) });
  const git = new TestGitProvider(compute);
  await compute.startSession(input('a'));
  expect(await compute.describe(handle('a'))).toBe('running');
  await compute.settle();
  expect(reports).toEqual([expect.objectContaining({ taskId: 'a', sessionId: 's-a-1', outcome: 'success', commits: 1, prUrl: 'https://forge.test/octo/widgets/pull/1', prNumber: 1 })]);
  expect(await compute.describe(handle('a'))).toBe('ended');
  expect(await git.findPullRequest('octo/widgets', 'bgagent/a/x')).toMatchObject({ number: 1, state: 'open' });
  expect(await git.countCommitsAhead('octo/widgets', 'bgagent/a/x')).toBe(1);
  expect(await git.findPullRequest('octo/widgets', 'other')).toBeNull();
});

test('a start of a known session id starts nothing new; stop cancels the report and is idempotent', async () => {
  const reports: SessionReport[] = [];
  compute = new TestCompute({ delayMs: 30, onReport: (r) => void reports.push(r) });
  await compute.startSession(input('b'));
  await compute.startSession(input('b'));
  expect(compute.startsOf('s-b-1')).toBe(2);
  await compute.stopSession(handle('b'));
  await compute.stopSession(handle('b'));
  await new Promise((r) => setTimeout(r, 60));
  expect(reports).toEqual([]);
  expect(compute.wasStopped('s-b-1')).toBe(true);
  expect(await compute.describe(handle('b'))).toBe('ended');
});

test('scripts: error outcome, vanish (unknown), start failures (a number of times)', async () => {
  const reports: SessionReport[] = [];
  compute = new TestCompute({
    delayMs: 1,
    onReport: (r) => void reports.push(r),
    script: { err: { outcome: 'error', error: 'boom' }, gone: { behaviour: 'vanish' }, flaky: { startFailure: { message: 'throttled', retryable: true, times: 1 } } },
  });
  await compute.startSession(input('err'));
  await compute.startSession(input('gone'));
  await expect(compute.startSession(input('flaky'))).rejects.toMatchObject({ name: 'ComputeStartError', retryable: true });
  await compute.startSession(input('flaky'));
  await compute.settle();
  expect(reports.find((r) => r.taskId === 'err')).toMatchObject({ outcome: 'error', error: 'boom', commits: 0, prUrl: null });
  expect(reports.find((r) => r.taskId === 'gone')).toBeUndefined();
  expect(await compute.describe(handle('gone'))).toBe('unknown');
  expect(await compute.describe(handle('never'))).toBe('unknown');
});

test('a failing report sink is retried with backoff', async () => {
  let calls = 0;
  compute = new TestCompute({
    delayMs: 1,
    onReport: () => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
    },
  });
  await compute.startSession(input('c'));
  await compute.settle();
  expect(calls).toBe(3);
  expect(compute.reportErrors).toEqual([]);
});

test('release: a hanging session reports when released, and only then; other sessions are left alone', async () => {
  const reports: SessionReport[] = [];
  compute = new TestCompute({ delayMs: 1, onReport: (r) => void reports.push(r), script: { held: { behaviour: 'hang' } } });
  await compute.startSession(input('held'));
  await compute.settle(); // hanging sessions do not count
  expect(reports).toEqual([]);
  expect(await compute.describe(handle('held'))).toBe('running');
  compute.release('s-held-1');
  await compute.settle();
  expect(reports).toEqual([expect.objectContaining({ taskId: 'held', outcome: 'success' })]);
  expect(await compute.describe(handle('held'))).toBe('ended');
  compute.release('s-held-1'); // ended: nothing more
  compute.release('s-never-1');
  await compute.settle();
  expect(reports).toHaveLength(1);
});
