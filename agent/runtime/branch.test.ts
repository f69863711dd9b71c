import path from 'node:path';
import { createOrigin, git, type TestOrigin } from '../testing/git-fixtures';
import { defaultBranch, prepareBranch } from './branch';
import { cloneWorkspace } from './workspace';

jest.setTimeout(30_000);

let origin: TestOrigin;
afterEach(() => origin?.cleanup());

const BRANCH = 'bgagent/T1/fix-it';

describe('prepareBranch', () => {
  it('creates the branch from the default branch of a new task', async () => {
    origin = createOrigin({ 'a.txt': 'a\n' }, { defaultBranch: 'trunk' });
    const { git: g, dir } = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
    expect(await defaultBranch(g)).toBe('trunk');
    const info = await prepareBranch(g, BRANCH);
    expect(info).toEqual({ branch: BRANCH, baseBranch: 'trunk', baseCommit: origin.head('trunk'), resumed: false });
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD')).toBe(BRANCH);
    expect(origin.head(BRANCH)).toBeNull(); // nothing pushed yet
  });

  it('continues a branch that exists on the remote (a retried session)', async () => {
    origin = createOrigin({ 'a.txt': 'a\n' });
    const base = origin.head('main');
    const earlier = origin.commit({ 'work.txt': 'from the first session\n' }, 'First session work', BRANCH);
    origin.commit({ 'other.txt': 'moved on\n' }, 'main moves on'); // the default branch advanced since
    const { git: g, dir } = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
    const info = await prepareBranch(g, BRANCH);
    expect(info.resumed).toBe(true);
    expect(info.baseCommit).toBe(base);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(earlier);
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD')).toBe(BRANCH);
    expect(await g.commitsSince(info.baseCommit)).toBe(1);
  });

  it('keeps unpushed local commits of a reused workspace', async () => {
    origin = createOrigin({ 'a.txt': 'a\n' });
    const dir = path.join(origin.dir('ws'), 'repo');
    const first = await cloneWorkspace({ cloneUrl: origin.url, dir });
    await prepareBranch(first.git, BRANCH);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'local only');
    const local = git(dir, 'rev-parse', 'HEAD');
    const again = await cloneWorkspace({ cloneUrl: origin.url, dir });
    expect(again.reused).toBe(true);
    const info = await prepareBranch(again.git, BRANCH);
    expect(info.resumed).toBe(false);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(local);
  });

  it('refuses an invalid branch name', async () => {
    origin = createOrigin({ 'a.txt': 'a\n' });
    const { git: g } = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
    await expect(prepareBranch(g, 'bad..name')).rejects.toThrow('not a valid branch name');
  });
});

describe('cloneWorkspace', () => {
  it('refuses a non-empty folder that is not a clone of the URL', async () => {
    origin = createOrigin({ 'a.txt': 'a\n' });
    const dir = origin.dir('busy');
    require('node:fs').writeFileSync(path.join(dir, 'x'), 'x');
    await expect(cloneWorkspace({ cloneUrl: origin.url, dir })).rejects.toThrow('is not empty');
  });

  it('keeps credentials out of errors', async () => {
    origin = createOrigin({ 'a.txt': 'a\n' });
    const err = await cloneWorkspace({ cloneUrl: 'http://user:s3cret@127.0.0.1:9/nope.git', dir: path.join(origin.dir('ws'), 'repo'), token: 'tok-123' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toContain('s3cret');
    expect((err as Error).message).not.toContain('tok-123');
  });
});
