import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createOrigin, git, trailerLines, type TestOrigin } from '../testing/git-fixtures';
import { commitHookScript, installCommitHook } from './commit-hook';
import { cloneWorkspace } from './workspace';
import type { Git } from './git';

jest.setTimeout(30_000);

let origin: TestOrigin;
let ws: { dir: string; git: Git };
const values = { taskId: '01JTASK', promptVersion: 'pv-abc' };

const lastMessage = (ref = 'HEAD') => git(ws.dir, 'log', '-1', '--format=%B', ref);
const expectTrailersOnce = (message: string) => {
  expect(trailerLines(message, 'Task-Id')).toEqual(['Task-Id: 01JTASK']);
  expect(trailerLines(message, 'Prompt-Version')).toEqual(['Prompt-Version: pv-abc']);
};

beforeEach(async () => {
  origin = createOrigin({ 'README.md': 'hello\n' });
  ws = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
  await installCommitHook(ws.git, values);
});
afterEach(() => origin.cleanup());

function change(file: string, content: string) {
  writeFileSync(path.join(ws.dir, file), content);
  git(ws.dir, 'add', '--all');
}

describe('prepare-commit-msg trailers hook', () => {
  it('adds Task-Id and Prompt-Version once to a commit, after a blank line, in a workspace with the bgagent identity', () => {
    change('a.txt', 'a\n');
    git(ws.dir, 'commit', '-q', '-m', 'Add a');
    expect(lastMessage()).toBe('Add a\n\nTask-Id: 01JTASK\nPrompt-Version: pv-abc');
    // (the test's git helper sets GIT_AUTHOR_*; the workspace's own identity is bgagent)
    expect(`${git(ws.dir, 'config', 'user.name')} <${git(ws.dir, 'config', 'user.email')}>`).toBe('bgagent <bgagent@users.noreply.abca.dev>');
  });

  it('treats a one-line "type: subject" message as a subject, not as a trailer', () => {
    change('a.txt', 'a\n');
    git(ws.dir, 'commit', '-q', '-m', 'fix: the greeting');
    expect(lastMessage()).toBe('fix: the greeting\n\nTask-Id: 01JTASK\nPrompt-Version: pv-abc');
  });

  it('keeps them once through amends (no-edit, and a new message)', () => {
    change('a.txt', 'a\n');
    git(ws.dir, 'commit', '-q', '-m', 'Add a');
    change('a.txt', 'a2\n');
    git(ws.dir, 'commit', '-q', '--amend', '--no-edit');
    expectTrailersOnce(lastMessage());
    git(ws.dir, 'commit', '-q', '--amend', '-m', 'Add a, reworded');
    expect(lastMessage()).toBe('Add a, reworded\n\nTask-Id: 01JTASK\nPrompt-Version: pv-abc');
    git(ws.dir, 'commit', '-q', '--amend', '--no-edit', '--reset-author');
    expectTrailersOnce(lastMessage());
  });

  it('adds them once to a merge commit', () => {
    git(ws.dir, 'checkout', '-q', '-b', 'side');
    change('side.txt', 's\n');
    git(ws.dir, 'commit', '-q', '-m', 'Side work');
    git(ws.dir, 'checkout', '-q', 'main');
    change('main.txt', 'm\n');
    git(ws.dir, 'commit', '-q', '-m', 'Main work');
    git(ws.dir, 'merge', '-q', '--no-ff', '--no-edit', 'side');
    const message = lastMessage();
    expect(message.startsWith("Merge branch 'side'")).toBe(true);
    expectTrailersOnce(message);
    expect(git(ws.dir, 'rev-list', '--parents', '-1', 'HEAD').split(' ')).toHaveLength(3);
  });

  it('adds them once to a merge commit that resolved a conflict', () => {
    git(ws.dir, 'checkout', '-q', '-b', 'side');
    change('README.md', 'side\n');
    git(ws.dir, 'commit', '-q', '-m', 'Side edit');
    git(ws.dir, 'checkout', '-q', 'main');
    change('README.md', 'main\n');
    git(ws.dir, 'commit', '-q', '-m', 'Main edit');
    expect(() => git(ws.dir, 'merge', '-q', 'side')).toThrow();
    change('README.md', 'both\n');
    git(ws.dir, 'commit', '-q', '--no-edit');
    expectTrailersOnce(lastMessage());
  });

  it('leaves a message that already has the trailers alone, and keeps a different Task-Id the author wrote', () => {
    change('a.txt', 'a\n');
    git(ws.dir, 'commit', '-q', '-m', 'Add a\n\nTask-Id: 01JTASK\nPrompt-Version: pv-abc');
    expectTrailersOnce(lastMessage());
    change('b.txt', 'b\n');
    git(ws.dir, 'commit', '-q', '-m', 'Add b\n\nTask-Id: other');
    const message = lastMessage();
    expect(trailerLines(message, 'Task-Id')).toEqual(['Task-Id: other']);
    expect(trailerLines(message, 'Prompt-Version')).toEqual(['Prompt-Version: pv-abc']);
  });

  it('keeps trailers once on cherry-picked commits of the session', () => {
    change('a.txt', 'a\n');
    git(ws.dir, 'commit', '-q', '-m', 'Add a');
    const sha = git(ws.dir, 'rev-parse', 'HEAD');
    git(ws.dir, 'reset', '-q', '--hard', 'HEAD~1');
    git(ws.dir, 'cherry-pick', sha);
    expectTrailersOnce(lastMessage());
  });

  it('is idempotent, sets core.hooksPath to the clone, and chains a hook that was already there', async () => {
    const hook = await installCommitHook(ws.git, values);
    expect(readFileSync(hook, 'utf8')).toBe(commitHookScript(values));
    expect(git(ws.dir, 'config', 'core.hooksPath')).toBe(path.dirname(hook));
    // A repository hook already in place: kept as .orig and run first.
    writeFileSync(hook, '#!/bin/sh\necho "Signed-off-by: Someone <s@example.test>" >> "$1"\n');
    chmodSync(hook, 0o755);
    await installCommitHook(ws.git, values);
    await installCommitHook(ws.git, values);
    expect(readFileSync(`${hook}.orig`, 'utf8')).toContain('Signed-off-by');
    change('a.txt', 'a\n');
    git(ws.dir, 'commit', '-q', '-m', 'Add a');
    const message = lastMessage();
    expectTrailersOnce(message);
    expect(trailerLines(message, 'Signed-off-by')).toHaveLength(1);
  });

  it('quotes values safely in the script', () => {
    const script = commitHookScript({ taskId: "t'; rm -rf / #", promptVersion: 'v\nx' });
    expect(script).toContain(`--trailer 'Task-Id: t'\\''; rm -rf / #'`);
    expect(script).toContain(`--trailer 'Prompt-Version: v x'`);
  });
});
