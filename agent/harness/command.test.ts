import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { recordingHarnessContext } from '../testing/fakes';
import { createOrigin, testPayload, type TestOrigin } from '../testing/git-fixtures';
import { CommandHarness } from './command';

jest.setTimeout(30_000);

let origin: TestOrigin;
let dir: string;
beforeEach(() => {
  origin = createOrigin({ 'a.txt': 'a\n' });
  dir = origin.dir('workspace');
});
afterEach(() => origin.cleanup());

const PROMPT = 'Fix the greeting.\nLine two.';
const run = async (command: string[], promptVia: 'stdin' | 'file', signal?: AbortSignal) => {
  const context = recordingHarnessContext(dir, testPayload(origin), { prompt: PROMPT, signal });
  const result = await new CommandHarness({ command, promptVia, killGraceMs: 500 }).run(context);
  return { result, events: context.events };
};

describe('CommandHarness', () => {
  it('gives the prompt on stdin, runs in the workspace and streams stdout lines as turns', async () => {
    const { result, events } = await run(['sh', '-c', 'cat > got-prompt.txt; echo "reading"; echo; echo "editing"; echo "warn" >&2'], 'stdin');
    expect(result).toEqual({ outcome: 'success', error: null, turns: 2, costUsd: 0 });
    expect(readFileSync(path.join(dir, 'got-prompt.txt'), 'utf8')).toBe(PROMPT);
    expect(events.filter((e) => e.kind === 'turn')).toEqual([
      { kind: 'turn', turn: 1, text: 'reading' },
      { kind: 'turn', turn: 2, text: 'editing' },
    ]);
  });

  it('gives the prompt in ABCA_PROMPT_FILE, outside the workspace, removed afterwards', async () => {
    const { result } = await run(['sh', '-c', 'cp "$ABCA_PROMPT_FILE" got-prompt.txt; echo "$ABCA_PROMPT_FILE" > prompt-path.txt; echo "$ABCA_TASK_ID $ABCA_BRANCH $ABCA_MAX_TURNS" > env.txt'], 'file');
    expect(result.outcome).toBe('success');
    expect(readFileSync(path.join(dir, 'got-prompt.txt'), 'utf8')).toBe(PROMPT);
    const promptPath = readFileSync(path.join(dir, 'prompt-path.txt'), 'utf8').trim();
    expect(promptPath.startsWith(dir)).toBe(false);
    expect(existsSync(promptPath)).toBe(false);
    const payload = testPayload(origin);
    expect(readFileSync(path.join(dir, 'env.txt'), 'utf8').trim()).toBe(`${payload.taskId} ${payload.branchName} 10`);
  });

  it('takes turns and cost from ::abca:: result lines', async () => {
    const { result, events } = await run(['sh', '-c', 'echo one; echo \'::abca:: {"turns": 5, "costUsd": 0.3}\'; echo two'], 'stdin');
    expect(result).toEqual({ outcome: 'success', error: null, turns: 5, costUsd: 0.3 });
    expect(events).toContainEqual({ kind: 'cost_update', costUsd: 0.3, turns: 5 });
  });

  it('reports a non-zero exit as an error with the output tail', async () => {
    const { result, events } = await run(['sh', '-c', 'echo working; echo "model refused" >&2; exit 7'], 'stdin');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/^sh exited with code 7: working\nmodel refused$/);
    expect(events.at(-1)).toMatchObject({ kind: 'error' });
    expect(result.crashed).toBeUndefined();
  });

  it('reports an agent killed by a signal it was not sent as a crash', async () => {
    const { result } = await run(['sh', '-c', 'echo half done > partial.md; kill -SEGV $$'], 'stdin');
    expect(result).toMatchObject({ outcome: 'error', crashed: true });
    expect(result.error).toMatch(/^sh killed by SIGSEGV/);
  });

  it('reports a command that cannot start', async () => {
    const { result } = await run(['/nonexistent/agent-cli'], 'stdin');
    expect(result.outcome).toBe('error');
    expect(result.error).toMatch(/could not start/);
  });

  it('sends SIGTERM to the agent (and its children) when aborted', async () => {
    // Aborted once the agent has its trap in place (it says so), not after a fixed 300 ms that, under
    // load, could fall before the trap was set (no term.txt).
    const controller = new AbortController();
    const ready = path.join(origin.dir('markers'), 'trap-set');
    const agent = run(['sh', '-c', `trap "echo got-term > term.txt; exit 143" TERM; touch '${ready}'; sleep 30 & wait`], 'stdin', controller.signal);
    while (!existsSync(ready)) await new Promise((r) => setTimeout(r, 20)); // jest's timeout is the guard
    const signalled = Date.now();
    controller.abort();
    const { result } = await agent;
    expect(Date.now() - signalled).toBeLessThan(25_000); // stopped, not waited out (sleep 30)
    expect(result).toMatchObject({ outcome: 'error' });
    expect(result.error).toMatch(/aborted/);
    expect(result.crashed).toBeUndefined();
    expect(readFileSync(path.join(dir, 'term.txt'), 'utf8').trim()).toBe('got-term');
  });

  it('does not give the agent the git token', async () => {
    process.env.ABCA_GIT_TOKEN = 'tok-secret';
    process.env.GITHUB_TOKEN = 'tok-secret';
    try {
      const { result } = await run(['sh', '-c', 'test -z "$ABCA_GIT_TOKEN$GITHUB_TOKEN"'], 'stdin');
      expect(result.outcome).toBe('success');
    } finally {
      delete process.env.ABCA_GIT_TOKEN;
      delete process.env.GITHUB_TOKEN;
    }
  });

  it('refuses an empty command', () => {
    expect(() => new CommandHarness({ command: [], promptVia: 'stdin' })).toThrow(/needs a command/);
  });
});
