import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BASIC_PROMPT_TEMPLATE } from '../../services/tasks/hydration/basic-context-source';
import { createOrigin, git, type TestOrigin } from '../testing/git-fixtures';
import { prepareBranch } from './branch';
import { collectChanges, MAX_BODY_LENGTH, pullRequestTitle, renderPullRequest, taskTextFromPrompt, type ChangeSummary } from './pr-body';
import { cloneWorkspace } from './workspace';
import type { VerificationResult } from './verify';

jest.setTimeout(30_000);

const verification: VerificationResult = {
  gating: 'regression_only',
  failed: false,
  failures: [],
  buildPassed: false,
  testPassed: false,
  lintPassed: true,
  baseChecked: true,
  baseError: null,
  aborted: false,
  checks: [
    { kind: 'build', command: 'npm run build', passed: true, exitCode: 0, timedOut: false, durationMs: 1200, status: 'passed', outputTail: 'ok', passedOnBase: true, counted: false },
    { kind: 'test', command: 'npm test -- --grep "a|b"', passed: false, exitCode: 1, timedOut: false, durationMs: 3400, status: 'exited with code 1', outputTail: 'FAIL flaky.test.ts\n```\nexpected 1', passedOnBase: false, counted: false },
    { kind: 'lint', command: 'npm run lint', passed: true, exitCode: 0, timedOut: false, durationMs: 500, status: 'passed', outputTail: '', passedOnBase: true, counted: false },
  ],
};

const changes: ChangeSummary = {
  diffStat: ' src/greet.ts | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)',
  commits: [{ sha: 'abc1234', subject: 'Fix the greeting' }, { sha: 'def5678', subject: 'bgagent: safety-net commit' }],
  files: ['src/greet.ts'],
};

const input = {
  taskId: '01JTASK',
  sessionId: '01JTASK-s1',
  issueNumber: 42,
  promptVersion: 'pv0123456789',
  task: 'Fix the greeting\n\nIt says "Helo".',
  changes,
  verification,
  turns: 7,
  costUsd: 0.4321,
  outcome: 'success' as const,
  error: null,
};

describe('renderPullRequest', () => {
  it('gives the task, the issue, what changed, the verification table, turns, cost, prompt version and task id', () => {
    const { title, body } = renderPullRequest(input);
    expect(title).toBe('Fix the greeting');
    expect(body).toContain('## Task\n\n> Fix the greeting\n>\n> It says "Helo".');
    expect(body).toContain('Resolves #42');
    expect(body).toContain('## What changed');
    expect(body).toContain(' src/greet.ts | 2 +-');
    expect(body).toContain('Commits (2):');
    expect(body).toContain('- `abc1234` Fix the greeting');
    expect(body).toContain('Gating: `regression_only` — passed.');
    expect(body).toContain('| Check | Command | Result | On the base commit | Time |');
    expect(body).toContain('| build | `npm run build` | ✅ passed | passed | 1.2 s |');
    expect(body).toContain('| test | `npm test -- --grep "a\\|b"` | ❌ exited with code 1 | failed (not a regression) | 3.4 s |');
    // The failing output, in a fence the output's own ``` cannot close.
    expect(body).toContain('<details><summary>Output of <code>npm test -- --grep "a|b"</code> (last lines)</summary>');
    expect(body).toContain('````\nFAIL flaky.test.ts\n```\nexpected 1\n````');
    expect(body).toContain('| success | 7 | $0.43 | `pv0123456789` | `01JTASK` |');
    expect(body).toContain('`Task-Id: 01JTASK`');
  });

  it('says when the agent reported an error, when verification did not run, and when there is no issue', () => {
    const { body } = renderPullRequest({ ...input, issueNumber: null, verification: null, outcome: 'error', error: 'max turns reached (10)' });
    expect(body).not.toContain('Resolves #');
    expect(body).toContain('## Verification\n\n_Not run._');
    expect(body).toContain('**The agent reported an error:** max turns reached (10)');
    expect(body).toContain('| error | 7 |');
  });

  it('stays under the size limit with a huge task and diff', () => {
    const { body } = renderPullRequest({ ...input, task: 'x'.repeat(100_000), changes: { ...changes, diffStat: 'y'.repeat(100_000), commits: Array.from({ length: 500 }, (_, i) => ({ sha: `s${i}`, subject: 'z'.repeat(300) })) } });
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_LENGTH);
    expect(body).toContain('… and 400 more');
  });

  it('makes a title from the first meaningful line, or from the issue', () => {
    expect(pullRequestTitle('### Make it faster\nbody', null)).toBe('Make it faster');
    expect(pullRequestTitle('   ', 12)).toBe('Resolve issue #12');
    expect(pullRequestTitle('a'.repeat(200), null)).toHaveLength(72);
  });
});

describe('taskTextFromPrompt', () => {
  it('takes the ## Task section of the hydrated prompt', () => {
    const prompt = BASIC_PROMPT_TEMPLATE.replace('{{prepend}}', '').replace('{{repo}}', 'o/r').replace('{{branchName}}', 'b').replace('{{maxTurns}}', '5').replace('{{task}}', 'Fix the login bug\n\n## Issue #3: Login\n\nbody').replace('{{append}}', '');
    expect(taskTextFromPrompt(prompt)).toBe('Fix the login bug');
  });
  it('falls back to the whole prompt', () => {
    expect(taskTextFromPrompt('  Just do it.  ')).toBe('Just do it.');
  });
});

describe('collectChanges', () => {
  let origin: TestOrigin;
  afterEach(() => origin.cleanup());
  it('lists the diff stat, the commits (oldest first) and the files since the base commit', async () => {
    origin = createOrigin({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const ws = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
    const info = await prepareBranch(ws.git, 'bgagent/T/x');
    writeFileSync(path.join(ws.dir, 'a.txt'), 'A\n');
    git(ws.dir, 'commit', '-qam', 'Change a');
    git(ws.dir, 'rm', '-q', 'b.txt');
    git(ws.dir, 'commit', '-qm', 'Remove b');
    const c = await collectChanges(ws.git, info.baseCommit);
    expect(c.commits.map((x) => x.subject)).toEqual(['Change a', 'Remove b']);
    expect(c.files).toEqual(['a.txt', 'b.txt']);
    expect(c.diffStat).toMatch(/2 files changed, 1 insertion\(\+\), 2 deletions\(-\)/);
  });
});
