import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createOrigin, git, trailerLines, type TestOrigin } from '../testing/git-fixtures';
import { prepareBranch, type BranchInfo } from './branch';
import { installCommitHook } from './commit-hook';
import type { Git } from './git';
import { SAFETY_NET_MESSAGE, SafetyNet, installSignalHandlers } from './safety-net';
import { cloneWorkspace } from './workspace';

jest.setTimeout(30_000);

const BRANCH = 'bgagent/T1/save-me';
let origin: TestOrigin;
let ws: { dir: string; git: Git };
let info: BranchInfo;

beforeEach(async () => {
  origin = createOrigin({ 'README.md': 'hello\n' });
  ws = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
  info = await prepareBranch(ws.git, BRANCH);
  await installCommitHook(ws.git, { taskId: 'T1', promptVersion: 'pv1' });
});
afterEach(() => origin.cleanup());

const net = (options: Partial<ConstructorParameters<typeof SafetyNet>[0]> = {}) =>
  new SafetyNet({ git: ws.git, branch: BRANCH, baseCommit: info.baseCommit, retryDelayMs: 10, ...options });

describe('SafetyNet', () => {
  it('commits uncommitted work (new, changed and deleted files) with the trailers and pushes the branch', async () => {
    writeFileSync(path.join(ws.dir, 'new.txt'), 'new\n');
    writeFileSync(path.join(ws.dir, 'README.md'), 'changed\n');
    const result = await net().run('test');
    expect(result).toMatchObject({ committed: true, pushed: true, commitsAhead: 1, error: null });
    expect(origin.head(BRANCH)).toBe(result.head);
    expect(origin.show(BRANCH, 'new.txt')).toBe('new');
    expect(origin.show(BRANCH, 'README.md')).toBe('changed');
    const [message] = origin.messages(BRANCH);
    expect(message!.split('\n')[0]).toBe(SAFETY_NET_MESSAGE);
    expect(trailerLines(message!, 'Task-Id')).toEqual(['Task-Id: T1']);
  });

  it('is idempotent: a second run makes no commit and leaves the remote as it is', async () => {
    writeFileSync(path.join(ws.dir, 'new.txt'), 'new\n');
    const safety = net();
    const first = await safety.run('one');
    const second = await safety.run('two');
    expect(second).toMatchObject({ committed: false, pushed: true, commitsAhead: 1, head: first.head, error: null });
    expect(origin.head(BRANCH)).toBe(first.head);
    expect(safety.runCount).toBe(2);
  });

  it('pushes commits the harness made, without a safety-net commit when the tree is clean', async () => {
    writeFileSync(path.join(ws.dir, 'a.txt'), 'a\n');
    git(ws.dir, 'add', '-A');
    git(ws.dir, 'commit', '-q', '-m', 'Agent commit');
    const result = await net().run('test');
    expect(result).toMatchObject({ committed: false, pushed: true, commitsAhead: 1 });
    expect(origin.messages(BRANCH)[0]!.startsWith('Agent commit')).toBe(true);
  });

  it('pushes nothing when the branch has no work (no empty branch on the remote)', async () => {
    const result = await net().run('test');
    expect(result).toMatchObject({ committed: false, pushed: false, commitsAhead: 0, error: null });
    expect(origin.head(BRANCH)).toBeNull();
  });

  it('only pushes after stopCommitting (build output is not the agent\'s work)', async () => {
    writeFileSync(path.join(ws.dir, 'a.txt'), 'a\n');
    const safety = net();
    await safety.run('harness finished');
    safety.stopCommitting();
    writeFileSync(path.join(ws.dir, 'dist.js'), 'built\n');
    const result = await safety.run('verified');
    expect(result.committed).toBe(false);
    expect(() => origin.show(BRANCH, 'dist.js')).toThrow();
  });

  it('shares a run in progress between concurrent callers', async () => {
    writeFileSync(path.join(ws.dir, 'a.txt'), 'a\n');
    const safety = net();
    const [a, b] = await Promise.all([safety.run('session'), safety.run('signal')]);
    expect(a).toBe(b);
    expect(safety.runCount).toBe(1);
    expect(origin.messages(BRANCH)).toHaveLength(1);
  });

  it('removes a stale index.lock left by a killed harness', async () => {
    writeFileSync(path.join(ws.dir, 'a.txt'), 'a\n');
    writeFileSync(path.join(ws.dir, '.git', 'index.lock'), '');
    expect((await net().run('test')).pushed).toBe(true);
  });

  it('retries a failing push, then reports the error without throwing (the commit stays local)', async () => {
    writeFileSync(path.join(ws.dir, 'a.txt'), 'a\n');
    git(ws.dir, 'remote', 'set-url', 'origin', path.join(origin.root, 'gone.git'));
    const logs: string[] = [];
    const result = await net({ pushAttempts: 3, log: (_l, m) => logs.push(m) }).run('test');
    expect(result).toMatchObject({ committed: true, pushed: false, commitsAhead: 1 });
    expect(result.error).toContain('failed after 3 attempts');
    expect(logs.filter((m) => m.startsWith('git push failed'))).toHaveLength(2);
  });

  it('does not retry a rejected (non-fast-forward) push', async () => {
    origin.commit({ 'theirs.txt': 'x\n' }, 'Someone else pushed', BRANCH);
    writeFileSync(path.join(ws.dir, 'a.txt'), 'a\n');
    const logs: string[] = [];
    const result = await net({ pushAttempts: 3, log: (_l, m) => logs.push(m) }).run('test');
    expect(result.error).toContain('after 1 attempt');
    expect(logs.filter((m) => m.startsWith('git push failed'))).toHaveLength(0);
  });
});

describe('installSignalHandlers', () => {
  it('runs the callback once on the first signal, then exits 143 (SIGTERM)', async () => {
    const exits: number[] = [];
    let calls = 0;
    let release!: () => void;
    const uninstall = installSignalHandlers({
      onSignal: () => {
        calls += 1;
        return new Promise<void>((r) => (release = r));
      },
      exit: (code) => exits.push(code),
    });
    try {
      process.emit('SIGTERM');
      process.emit('SIGTERM');
      process.emit('SIGINT');
      await new Promise((r) => setImmediate(r));
      expect(calls).toBe(1);
      expect(exits).toEqual([]);
      release();
      while (exits.length === 0) await new Promise((r) => setTimeout(r, 5)); // jest's timeout is the guard
      expect(exits).toEqual([143]);
    } finally {
      uninstall();
    }
  });

  it('exits 130 on SIGINT, and exits anyway when the callback overruns its time', async () => {
    const exits: number[] = [];
    const uninstall = installSignalHandlers({ onSignal: () => new Promise<void>(() => undefined), exit: (code) => exits.push(code), timeoutMs: 50 });
    try {
      process.emit('SIGINT');
      while (exits.length === 0) await new Promise((r) => setTimeout(r, 5)); // the 50 ms give-up; jest's timeout is the guard
      expect(exits).toEqual([130]);
    } finally {
      uninstall();
    }
  });
});
