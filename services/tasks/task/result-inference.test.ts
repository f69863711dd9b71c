import { validateEventData } from '../../kernel/validation';
import { inferResult, type InferenceInput, type InferredResult } from './result-inference';

const PR = 'https://github.com/o/n/pull/7';

type Row = [label: string, input: InferenceInput, expected: Partial<InferredResult> & { status: InferredResult['status'] }];

// The matrix of result-inference.ts: every row, and the corners of each row.
const MATRIX: Row[] = [
  ['success + PR', { agentOutcome: 'success', prUrl: PR, prNumber: 7, commits: 3 }, { status: 'COMPLETED', prUrl: PR, prNumber: 7, warning: null }],
  ['success + PR (no commit count)', { agentOutcome: 'success', prUrl: PR, prNumber: 7, commits: 0 }, { status: 'COMPLETED', prUrl: PR, prNumber: 7, warning: null }],
  ['success + PR known by number only', { agentOutcome: 'success', prUrl: null, prNumber: 7, commits: 1 }, { status: 'COMPLETED', prUrl: null, prNumber: 7, warning: null }],
  ['success, no PR, commits', { agentOutcome: 'success', prUrl: null, prNumber: null, commits: 2 }, { status: 'COMPLETED', prUrl: null, prNumber: null }],
  ['success, no PR, no commits', { agentOutcome: 'success', prUrl: null, prNumber: null, commits: 0 }, { status: 'FAILED', code: 'NO_CHANGES' }],
  ['error + PR', { agentOutcome: 'error', agentError: 'tests failed', prUrl: PR, prNumber: 7, commits: 1 }, { status: 'COMPLETED', prUrl: PR, prNumber: 7 }],
  ['error, no PR, commits', { agentOutcome: 'error', agentError: 'max turns reached', prUrl: null, prNumber: null, commits: 4 }, { status: 'FAILED', code: 'AGENT_ERROR' }],
  ['error, no PR, no commits', { agentOutcome: 'error', agentError: 'clone failed', prUrl: null, prNumber: null, commits: 0 }, { status: 'FAILED', code: 'AGENT_ERROR' }],
  ['no report, nothing', { agentOutcome: 'no_report', prUrl: null, prNumber: null, commits: 0 }, { status: 'FAILED', code: 'NO_REPORT' }],
  ['no report, commits', { agentOutcome: 'no_report', prUrl: null, prNumber: null, commits: 2 }, { status: 'FAILED', code: 'NO_REPORT' }],
  ['no report, PR', { agentOutcome: 'no_report', prUrl: PR, prNumber: 7, commits: 2 }, { status: 'FAILED', code: 'NO_REPORT' }],
];

describe('inferResult', () => {
  it.each(MATRIX)('%s', (_label, input, expected) => {
    const result = inferResult(input);
    expect(result).toMatchObject(expected);
    // whatever it says fits the event it becomes
    if (result.status === 'COMPLETED') validateEventData('TaskCompleted', { prUrl: result.prUrl, prNumber: result.prNumber, warning: result.warning });
    else validateEventData('TaskFailed', { code: result.code, reason: result.reason });
  });

  it('warns when no pull request was opened and names the branch and commits', () => {
    const result = inferResult({ agentOutcome: 'success', prUrl: null, prNumber: null, commits: 2, branchName: 'bgagent/T/x' });
    expect(result).toMatchObject({ status: 'COMPLETED', warning: expect.stringMatching(/no pull request was opened.*2 commits.*bgagent\/T\/x/i) });
  });

  it('warns that the agent reported an error when a PR exists anyway', () => {
    const result = inferResult({ agentOutcome: 'error', agentError: 'lint failed', prUrl: PR, prNumber: 7, commits: 1 });
    expect(result).toMatchObject({ status: 'COMPLETED', warning: expect.stringMatching(/agent reported an error.*lint failed/) });
  });

  it("includes the agent's error in an AGENT_ERROR reason", () => {
    const result = inferResult({ agentOutcome: 'error', agentError: 'Budget of $5 exhausted', prUrl: null, prNumber: null, commits: 0 });
    expect(result).toMatchObject({ status: 'FAILED', code: 'AGENT_ERROR', reason: expect.stringContaining('Budget of $5 exhausted') });
    const noMessage = inferResult({ agentOutcome: 'error', agentError: null, prUrl: null, prNumber: null, commits: 0 });
    expect(noMessage).toMatchObject({ reason: expect.stringContaining('no error message') });
  });

  it('keeps messages within the event limits when the agent error is huge', () => {
    const agentError = 'x'.repeat(10_000);
    const failed = inferResult({ agentOutcome: 'error', agentError, prUrl: null, prNumber: null, commits: 0 });
    const completed = inferResult({ agentOutcome: 'error', agentError, prUrl: PR, prNumber: 7, commits: 0 });
    expect(failed.status === 'FAILED' && failed.reason.length).toBe(4000);
    expect(completed.status === 'COMPLETED' && completed.warning?.length).toBe(2000);
  });

  it('tells the user what to do when nothing changed or no report came', () => {
    expect(inferResult({ agentOutcome: 'success', prUrl: null, prNumber: null, commits: 0 })).toMatchObject({
      reason: expect.stringMatching(/without changing anything/),
    });
    expect(inferResult({ agentOutcome: 'no_report', prUrl: PR, prNumber: 7, commits: 1 })).toMatchObject({
      reason: expect.stringContaining(PR),
    });
  });
});
