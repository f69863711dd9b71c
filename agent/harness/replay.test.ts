import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installCommitHook } from '../runtime/commit-hook';
import { prepareBranch } from '../runtime/branch';
import { cloneWorkspace } from '../runtime/workspace';
import { FileBlobReader } from '../adapters/blob-reader';
import { FileNudgeInbox } from '../adapters/file-nudge-inbox';
import { recordingHarnessContext } from '../testing/fakes';
import { createOrigin, git, testPayload, trailerLines, type TestOrigin } from '../testing/git-fixtures';
import { PathOutsideWorkspaceError, ReplayHarness, TrajectoryError, parseTrajectory, resolveInWorkspace, type Trajectory } from './replay';

jest.setTimeout(30_000);

let origin: TestOrigin;
let dir: string;

beforeEach(async () => {
  origin = createOrigin({ 'src/greet.ts': 'export const greet = () => "Helo";\n', 'old.txt': 'old\n' });
  const ws = await cloneWorkspace({ cloneUrl: origin.url, dir: path.join(origin.dir('ws'), 'repo') });
  dir = ws.dir;
  const info = await prepareBranch(ws.git, 'bgagent/T/replay');
  expect(info.resumed).toBe(false);
  await installCommitHook(ws.git, { taskId: 'T-1', promptVersion: 'pv-1' });
});
afterEach(() => origin.cleanup());

const harnessFor = (trajectory: unknown) => new ReplayHarness({ trajectoryRef: origin.file('t.json', JSON.stringify(trajectory)), blobs: new FileBlobReader() });
const run = async (trajectory: unknown, signal?: AbortSignal) => {
  const context = recordingHarnessContext(dir, testPayload(origin), { signal });
  const result = await harnessFor(trajectory).run(context);
  return { result, events: context.events };
};

const TRAJECTORY: Trajectory = {
  version: 1,
  steps: [
    { type: 'turn', text: 'Looking at the greeting.' },
    { type: 'edit', path: 'src/greet.ts', find: 'Helo', replace: 'Hello' },
    { type: 'write', path: 'test/greet.test.txt', content: 'greet() === "Hello"\n' },
    { type: 'delete', path: 'old.txt' },
    { type: 'run', command: 'grep -q Hello src/greet.ts' },
    { type: 'run', command: 'exit 4', expectExit: 4 },
    { type: 'commit', message: 'Fix the greeting\n\nIt said Helo.' },
    { type: 'turn', text: 'Now the docs.' },
    { type: 'write', path: 'docs/greet.md', content: 'Says Hello.\n' },
    { type: 'commit', message: 'Document the greeting' },
    { type: 'commit', message: 'Nothing left to commit' },
  ],
  result: { turns: 2, costUsd: 0.25 },
};

describe('ReplayHarness', () => {
  it('applies the trajectory in the workspace and commits with both trailers exactly once', async () => {
    const { result, events } = await run(TRAJECTORY);
    expect(result).toEqual({ outcome: 'success', error: null, turns: 2, costUsd: 0.25 });
    expect(readFileSync(path.join(dir, 'src/greet.ts'), 'utf8')).toBe('export const greet = () => "Hello";\n');
    expect(existsSync(path.join(dir, 'old.txt'))).toBe(false);
    const log = git(dir, 'log', '--reverse', '--format=%B%x00', 'origin/main..HEAD').split('\0').map((m) => m.trim()).filter(Boolean);
    expect(log).toHaveLength(2);
    expect(log[0]).toBe('Fix the greeting\n\nIt said Helo.\n\nTask-Id: T-1\nPrompt-Version: pv-1');
    for (const message of log) {
      expect(trailerLines(message, 'Task-Id')).toEqual(['Task-Id: T-1']);
      expect(trailerLines(message, 'Prompt-Version')).toEqual(['Prompt-Version: pv-1']);
    }
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // One progress event per step, then the cost.
    expect(events.map((e) => e.kind)).toEqual(['turn', 'tool_call', 'tool_call', 'tool_call', 'tool_call', 'tool_call', 'tool_call', 'turn', 'tool_call', 'tool_call', 'milestone', 'cost_update']);
    expect(events[0]).toEqual({ kind: 'turn', turn: 1, text: 'Looking at the greeting.' });
    expect(events[7]).toEqual({ kind: 'turn', turn: 2, text: 'Now the docs.' });
    expect(events[11]).toEqual({ kind: 'cost_update', costUsd: 0.25, turns: 2 });
  });

  it('is deterministic: the same trajectory twice gives the same trees', async () => {
    await run(TRAJECTORY);
    const tree1 = git(dir, 'rev-parse', 'HEAD^{tree}');
    git(dir, 'reset', '-q', '--hard', 'origin/main');
    await run(TRAJECTORY);
    expect(git(dir, 'rev-parse', 'HEAD^{tree}')).toBe(tree1);
  });

  it.each([
    ['../outside.txt', /'\.\.' is not allowed/],
    ['src/../../outside.txt', /'\.\.' is not allowed/],
    ['/etc/passwd', /absolute path/],
    ['C:\\Windows\\x', /absolute path/],
    ['.git/hooks/prepare-commit-msg', /\.git is not part of the work/],
    ['', /invalid path/],
  ])('refuses the path %j', async (p, message) => {
    const { result } = await run({ version: 1, steps: [{ type: 'write', path: p, content: 'x' }], result: { turns: 0, costUsd: 0 } });
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(message);
    expect(existsSync(path.join(dir, '..', 'outside.txt'))).toBe(false);
  });

  it('refuses a path that leads outside through a symbolic link', async () => {
    const outside = origin.dir('outside');
    symlinkSync(outside, path.join(dir, 'escape'));
    const { result } = await run({ version: 1, steps: [{ type: 'write', path: 'escape/x.txt', content: 'x' }], result: { turns: 0, costUsd: 0 } });
    expect(result.error).toMatch(/symbolic link/);
    expect(existsSync(path.join(outside, 'x.txt'))).toBe(false);
    expect(() => resolveInWorkspace(dir, 'escape')).toThrow(PathOutsideWorkspaceError);
    mkdirSync(path.join(dir, 'inside'));
    symlinkSync(path.join(dir, 'inside'), path.join(dir, 'alias'));
    expect(resolveInWorkspace(dir, 'alias/y.txt')).toBe(path.join(dir, 'alias', 'y.txt'));
  });

  it('fails at a step whose command exits otherwise than expected, with the output, keeping the turns so far', async () => {
    const { result } = await run({
      version: 1,
      steps: [{ type: 'turn', text: 'go' }, { type: 'run', command: 'echo boom >&2; exit 2' }, { type: 'turn', text: 'never' }],
      result: { turns: 9, costUsd: 1 },
    });
    expect(result).toMatchObject({ outcome: 'error', turns: 1, costUsd: 0 });
    expect(result.error).toMatch(/step 2 of 3 \(run\) failed: `echo boom >&2; exit 2` exited with code 2, expected exit 0:\nboom/);
  });

  it('fails an edit whose text is not there, and a delete of a missing file', async () => {
    expect((await run({ version: 1, steps: [{ type: 'edit', path: 'src/greet.ts', find: 'nope', replace: 'x' }], result: { turns: 0, costUsd: 0 } })).result.error).toMatch(/does not contain/);
    expect((await run({ version: 1, steps: [{ type: 'delete', path: 'missing.txt' }], result: { turns: 0, costUsd: 0 } })).result.error).toMatch(/does not exist/);
  });

  it('stops a running command when aborted', async () => {
    // Aborted once the command runs (it says so), not after a fixed 300 ms that, under load, could
    // fall before the step started ("aborted before step 2").
    const controller = new AbortController();
    const running = path.join(origin.dir('markers'), 'running');
    const command = `touch '${running}'; sleep 30`;
    const replay = run({ version: 1, steps: [{ type: 'write', path: 'a.txt', content: 'a' }, { type: 'run', command }, { type: 'write', path: 'b.txt', content: 'b' }], result: { turns: 0, costUsd: 0 } }, controller.signal);
    while (!existsSync(running)) await new Promise((r) => setTimeout(r, 20)); // jest's timeout is the guard
    controller.abort('SIGTERM');
    const { result, events } = await replay;
    expect(events).toContainEqual({ kind: 'tool_call', tool: 'run', summary: `${command} → aborted` }); // stopped, not waited out
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/aborted during step 2 of 3/);
    expect(existsSync(path.join(dir, 'a.txt'))).toBe(true);
    expect(existsSync(path.join(dir, 'b.txt'))).toBe(false);
  });

  it('acknowledges the nudges that arrived before each step and after the last, each once and in order', async () => {
    // A real inbox folder (created by the first nudge), filled by the trajectory's own commands
    // while it plays, as the nudge-delivery service fills it while an agent works.
    const inboxDir = path.join(origin.dir('blobs'), 'nudges', 'T-1');
    const inbox = new FileNudgeInbox(`${pathToFileURL(inboxDir).href}/`);
    const nudge = (seq: number, message: string) =>
      `mkdir -p '${inboxDir}' && printf '%s' '{"nudgeId":"n-${seq}","message":"${message}","at":"2025-01-01T00:00:0${seq}.000Z"}' > '${inboxDir}/000000000${seq}-e${seq}.json'`;
    const context = recordingHarnessContext(dir, testPayload(origin), { nudges: () => inbox.drain() });
    const result = await harnessFor({
      version: 1,
      steps: [
        { type: 'turn', text: 'one' },
        { type: 'run', command: `${nudge(2, 'and add a test')} && ${nudge(1, 'use pnpm')}` },
        { type: 'turn', text: 'two' },
        { type: 'run', command: nudge(3, 'last words') },
      ],
      result: { turns: 2, costUsd: 0 },
    }).run(context);

    expect(result.outcome).toBe('success');
    const trace = context.events.flatMap((e) =>
      e.kind === 'turn' ? [`turn ${e.text}`] : e.kind === 'tool_call' ? [e.tool] : e.kind === 'milestone' ? [`${e.name}: ${e.detail}`] : [],
    );
    expect(trace).toEqual([
      'turn one',
      'run',
      'nudge_received: use pnpm', // file-name order: the order the nudges were recorded
      'nudge_received: and add a test',
      'turn two',
      'run',
      'nudge_received: last words', // arrived during the last step: acknowledged before the harness returns
    ]);
    expect(inbox.drain()).toEqual([]);
  });

  it('reports an unreadable or invalid trajectory as an error', async () => {
    const bad = new ReplayHarness({ trajectoryRef: origin.file('bad.json', '{nope'), blobs: new FileBlobReader() });
    expect((await bad.run(recordingHarnessContext(dir, testPayload(origin)))).error).toMatch(/not valid JSON/);
  });
});

describe('parseTrajectory', () => {
  it.each([
    [null, /JSON object/],
    [{ version: 2, steps: [], result: { turns: 0, costUsd: 0 } }, /version 2/],
    [{ version: 1, steps: {}, result: { turns: 0, costUsd: 0 } }, /steps must be an array/],
    [{ version: 1, steps: [], result: { turns: -1, costUsd: 0 } }, /result must be/],
    [{ version: 1, steps: [{ type: 'rm' }], result: { turns: 0, costUsd: 0 } }, /step 1: type must be one of/],
    [{ version: 1, steps: [{ type: 'write', path: 'a' }], result: { turns: 0, costUsd: 0 } }, /step 1 \(write\): content must be a string/],
    [{ version: 1, steps: [{ type: 'run', command: 'x', expectExit: 'zero' }], result: { turns: 0, costUsd: 0 } }, /expectExit must be an integer/],
    [{ version: 1, steps: [{ type: 'edit', path: 'a', find: '', replace: 'b' }], result: { turns: 0, costUsd: 0 } }, /find must not be empty/],
  ])('refuses %j', (value, message) => {
    expect(() => parseTrajectory(value)).toThrow(TrajectoryError);
    expect(() => parseTrajectory(value)).toThrow(message);
  });
});
