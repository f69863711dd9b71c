import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createOrigin, type TestOrigin } from '../testing/git-fixtures';
import { prepareBranch, type BranchInfo } from './branch';
import type { Git } from './git';
import { SafetyNet } from './safety-net';
import { verify, type Gating } from './verify';
import { cloneWorkspace } from './workspace';

jest.setTimeout(60_000);

/**
 * The repository has `check-<name>.sh` scripts; `PASS` in `state-<name>` makes one pass. The base
 * commit and HEAD set each state independently: before → after.
 */
type State = 'pass' | 'fail';
let origin: TestOrigin;
let ws: { dir: string; git: Git };
let info: BranchInfo;

async function setup(checks: Record<string, { before: State; after: State }>): Promise<void> {
  const files: Record<string, string> = {};
  for (const [name, { before }] of Object.entries(checks)) {
    files[`check-${name}.sh`] = `echo "checking ${name}"\ngrep -q PASS state-${name} || { echo "${name} is broken" >&2; exit 3; }\n`;
    files[`state-${name}`] = before === 'pass' ? 'PASS\n' : 'FAIL\n';
  }
  origin = createOrigin(files);
  ws = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
  info = await prepareBranch(ws.git, 'bgagent/T/v');
  for (const [name, { after }] of Object.entries(checks)) writeFileSync(path.join(ws.dir, `state-${name}`), after === 'pass' ? 'PASS\n' : 'FAIL\n');
  await new SafetyNet({ git: ws.git, branch: info.branch, baseCommit: info.baseCommit }).run('test');
}
afterEach(() => origin?.cleanup());

const run = (gating: Gating, commands: { build?: string[]; test?: string[]; lint?: string[] }, timeoutMs?: number) =>
  verify({ git: ws.git, gating, baseCommit: info.baseCommit, commands: { build: commands.build ?? [], test: commands.test ?? [], lint: commands.lint ?? [] }, timeoutMs });

describe('verify: the gating matrix', () => {
  // [gating, before, after, task fails?, passedOnBase]
  const matrix: Array<[Gating, State, State, boolean, boolean | null]> = [
    ['strict', 'pass', 'pass', false, null],
    ['strict', 'pass', 'fail', true, null],
    ['strict', 'fail', 'fail', true, null],
    ['strict', 'fail', 'pass', false, null],
    ['regression_only', 'pass', 'pass', false, null], // nothing fails: the base is not checked
    ['regression_only', 'pass', 'fail', true, true], // a regression
    ['regression_only', 'fail', 'fail', false, false], // broken before: not ours
    ['regression_only', 'fail', 'pass', false, null], // fixed
    ['informational', 'pass', 'fail', false, null],
    ['informational', 'fail', 'fail', false, null],
  ];
  it.each(matrix)('%s, test %s before and %s after → fails the task: %s', async (gating, before, after, fails, passedOnBase) => {
    await setup({ t: { before, after } });
    const result = await run(gating, { test: ['sh check-t.sh'] });
    expect(result.failed).toBe(fails);
    expect(result.failures).toHaveLength(fails ? 1 : 0);
    expect(result.buildPassed).toBe(after === 'pass'); // build + test, as it is at HEAD
    expect(result.testPassed).toBe(after === 'pass');
    expect(result.lintPassed).toBeNull();
    expect(result.checks[0]).toMatchObject({ kind: 'test', command: 'sh check-t.sh', passed: after === 'pass', passedOnBase, counted: fails });
    expect(result.baseChecked).toBe(passedOnBase !== null);
  });

  it('regression_only counts only the checks that regressed, among several', async () => {
    await setup({ b: { before: 'pass', after: 'pass' }, t: { before: 'fail', after: 'fail' }, l: { before: 'pass', after: 'fail' } });
    const result = await run('regression_only', { build: ['sh check-b.sh'], test: ['sh check-t.sh'], lint: ['sh check-l.sh'] });
    expect(result.checks.map((c) => [c.kind, c.passed, c.passedOnBase, c.counted])).toEqual([
      ['build', true, true, false],
      ['test', false, false, false],
      ['lint', false, true, true],
    ]);
    expect(result.failed).toBe(true);
    expect(result.failures).toEqual(['lint `sh check-l.sh` exited with code 3 (passed on the base commit)']);
    expect(result.buildPassed).toBe(false);
    expect(result.lintPassed).toBe(false);
    // The temporary worktree is gone.
    expect((await ws.git.out(['worktree', 'list'])).split('\n')).toHaveLength(1);
  });

  it('keeps the tail of the output and runs every check even after a failure', async () => {
    await setup({ b: { before: 'pass', after: 'fail' }, l: { before: 'pass', after: 'pass' } });
    const result = await run('strict', { build: ['sh check-b.sh'], lint: ['sh check-l.sh'] });
    expect(result.checks).toHaveLength(2);
    expect(result.checks[0]!.outputTail).toContain('checking b');
    expect(result.checks[0]!.outputTail).toContain('b is broken');
    expect(result.checks[0]!.status).toBe('exited with code 3');
    expect(result.buildPassed).toBe(false);
    expect(result.lintPassed).toBe(true);
  });

  it('times a command out (and kills it)', async () => {
    await setup({});
    const started = Date.now();
    const result = await run('strict', { test: ['sleep 20'] }, 300);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.checks[0]).toMatchObject({ passed: false, timedOut: true });
    expect(result.failures[0]).toMatch(/timed out/);
  });

  it('reports null results when no command is configured', async () => {
    await setup({});
    const result = await run('strict', {});
    expect(result).toMatchObject({ failed: false, buildPassed: null, lintPassed: null, testPassed: null, checks: [] });
  });

  it('does not give the commands the git token', async () => {
    await setup({});
    process.env.ABCA_GIT_TOKEN = 'tok-secret';
    try {
      const result = await run('strict', { test: ['test -z "$ABCA_GIT_TOKEN" && test -z "$GIT_CONFIG_VALUE_0"'] });
      expect(result.failed).toBe(false);
    } finally {
      delete process.env.ABCA_GIT_TOKEN;
    }
  });
});
