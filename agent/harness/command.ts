/**
 * The `command` harness: any CLI agent (payload.harness.command = argv), run in the workspace.
 *
 * - The prompt goes on stdin (`promptVia: 'stdin'`), or in a file whose path is in ABCA_PROMPT_FILE
 *   (`promptVia: 'file'`): a private temporary file OUTSIDE the workspace, so it is never committed,
 *   removed afterwards.
 * - Environment: the agent's without the git token (process.ts childEnv), plus ABCA_TASK_ID,
 *   ABCA_BRANCH, ABCA_MAX_TURNS, ABCA_WORKSPACE (and ABCA_PROMPT_FILE).
 * - Each stdout line is a progress `turn` event (turn = line number). A line
 *   `::abca:: {"turns": 3, "costUsd": 0.42}` is not a turn: it reports the agent's own count and
 *   cost (cost_update), which then become the result's. Otherwise turns = the number of lines and
 *   the cost is 0 (the runtime cannot know it).
 * - stderr is kept (its tail) for the error message.
 * - The abort signal sends SIGTERM to the agent's process group (SIGKILL 5 s later).
 * - Outcome: exit code 0 → success, anything else → error; killed by a signal we did not send → a crash
 *   (HarnessResult.crashed: the work is pushed, no pull request is opened).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentHarness, HarnessContext, HarnessResult } from '../contracts';
import { childEnv, describeExit, runProcess } from '../runtime/process';

const RESULT_LINE_PREFIX = '::abca::';

export interface CommandHarnessOptions {
  readonly command: readonly string[];
  readonly promptVia: 'stdin' | 'file';
  /** Kill after this long (default: none; the session's deadline aborts it). */
  readonly timeoutMs?: number;
  /** SIGTERM → SIGKILL (default 5000 ms). */
  readonly killGraceMs?: number;
}

export class CommandHarness implements AgentHarness {
  readonly type = 'command' as const;

  constructor(private readonly options: CommandHarnessOptions) {
    if (options.command.length === 0 || options.command[0] === '') throw new Error('the command harness needs a command (payload.harness.command)');
  }

  async run(context: HarnessContext): Promise<HarnessResult> {
    const [file, ...args] = this.options.command as [string, ...string[]];
    let lines = 0;
    let reported: { turns?: number; costUsd?: number } = {};
    let promptDir: string | undefined;
    const extra: Record<string, string> = {
      ABCA_TASK_ID: context.payload.taskId,
      ABCA_BRANCH: context.payload.branchName,
      ABCA_MAX_TURNS: String(context.payload.maxTurns),
      ABCA_WORKSPACE: context.workspace,
    };
    try {
      if (this.options.promptVia === 'file') {
        promptDir = await mkdtemp(path.join(tmpdir(), 'bgagent-prompt-'));
        const promptFile = path.join(promptDir, 'prompt.md');
        await writeFile(promptFile, context.prompt, { mode: 0o600 });
        extra.ABCA_PROMPT_FILE = promptFile;
      }
      context.progress({ kind: 'milestone', name: 'command_started', detail: this.options.command.join(' ') });
      const result = await runProcess(file, args, {
        cwd: context.workspace,
        env: childEnv(extra),
        input: this.options.promptVia === 'stdin' ? context.prompt : undefined,
        signal: context.signal,
        timeoutMs: this.options.timeoutMs,
        killGraceMs: this.options.killGraceMs,
        onLine: (line, stream) => {
          if (stream !== 'stdout' || line.trim() === '') return;
          if (line.startsWith(RESULT_LINE_PREFIX)) {
            const parsed = parseResultLine(line);
            if (parsed) {
              reported = { ...reported, ...parsed };
              context.progress({ kind: 'cost_update', costUsd: reported.costUsd ?? 0, turns: reported.turns ?? lines });
            }
            return;
          }
          lines += 1;
          context.progress({ kind: 'turn', turn: lines, text: line });
        },
      });
      const turns = reported.turns ?? lines;
      const costUsd = reported.costUsd ?? 0;
      if (result.exitCode === 0 && !result.aborted && !result.timedOut) return { outcome: 'success', error: null, turns, costUsd };
      const tail = result.outputTail.trim().slice(-1500);
      const error = `${this.options.command[0]} ${describeExit(result)}${tail ? `: ${tail}` : ''}`;
      context.progress({ kind: 'error', message: error });
      // Killed by a signal it was not sent by us (SIGSEGV, SIGKILL from the OOM killer…): a crash.
      const crashed = result.signal !== null && !result.aborted && !result.timedOut;
      return { outcome: 'error', error, turns, costUsd, ...(crashed ? { crashed } : {}) };
    } finally {
      if (promptDir) await rm(promptDir, { recursive: true, force: true });
    }
  }
}

function parseResultLine(line: string): { turns?: number; costUsd?: number } | null {
  try {
    const value = JSON.parse(line.slice(RESULT_LINE_PREFIX.length)) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Record<string, unknown>;
    const out: { turns?: number; costUsd?: number } = {};
    if (Number.isInteger(v.turns) && (v.turns as number) >= 0) out.turns = v.turns as number;
    if (typeof v.costUsd === 'number' && v.costUsd >= 0) out.costUsd = v.costUsd;
    return out;
  } catch {
    return null;
  }
}
