/**
 * The `replay` harness: a recorded trajectory of file edits and commands, applied deterministically
 * in the workspace — for tests, demos and evaluation (the same trajectory under two prompt versions
 * or two platform builds gives comparable sessions, with no model involved).
 *
 * Trajectory (JSON, by reference: payload.harness.trajectoryRef):
 *
 *   { "version": 1,
 *     "steps": [ { "type": "write",  "path": "src/a.ts", "content": "..." }
 *              | { "type": "edit",   "path": "src/a.ts", "find": "old", "replace": "new" }   first occurrence; `find` must be there
 *              | { "type": "delete", "path": "src/b.ts" }                                      the file must exist
 *              | { "type": "run",    "command": "npm test", "expectExit": 0 }                  sh -c in the workspace; default 0
 *              | { "type": "commit", "message": "Fix it" }                                     git add -A + commit; nothing staged → skipped
 *              | { "type": "turn",   "text": "I will now..." } ],
 *     "result": { "turns": 3, "costUsd": 0.12 } }
 *
 * Paths are relative to the workspace: absolute paths, `..` segments, `.git` and symbolic links
 * that lead outside the workspace are refused (the step fails, so the session fails). Each step
 * emits a progress event; the abort signal is checked between steps and kills a running command.
 * A failed step ends the replay with outcome `error`, the turns played so far and no cost.
 *
 * Nudges: before every step and after the last one the harness takes the nudges that arrived
 * (`context.nudges()`) and acknowledges each as milestone `nudge_received` with the message as
 * detail. A recorded trajectory cannot act on them, but the acknowledgement makes the whole nudge
 * path (API → event → inbox → agent → progress view) observable end to end without a model.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentHarness, HarnessContext, HarnessResult } from '../contracts';
import type { BlobReader } from '../ports';
import { Git } from '../runtime/git';
import { childEnv, describeExit, runShell } from '../runtime/process';

export type ReplayStep =
  | { readonly type: 'write'; readonly path: string; readonly content: string }
  | { readonly type: 'edit'; readonly path: string; readonly find: string; readonly replace: string }
  | { readonly type: 'delete'; readonly path: string }
  | { readonly type: 'run'; readonly command: string; readonly expectExit?: number }
  | { readonly type: 'commit'; readonly message: string }
  | { readonly type: 'turn'; readonly text: string };

export interface Trajectory {
  readonly version: 1;
  readonly steps: readonly ReplayStep[];
  readonly result: { readonly turns: number; readonly costUsd: number };
}

export class TrajectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrajectoryError';
  }
}

export class PathOutsideWorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathOutsideWorkspaceError';
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed trajectory; throws TrajectoryError naming the first problem. */
export function parseTrajectory(value: unknown): Trajectory {
  if (!isObject(value)) throw new TrajectoryError('a trajectory is a JSON object');
  if (value.version !== 1) throw new TrajectoryError(`unsupported trajectory version ${JSON.stringify(value.version)} (expected 1)`);
  if (!Array.isArray(value.steps)) throw new TrajectoryError('trajectory.steps must be an array');
  const result = value.result;
  if (!isObject(result) || !Number.isInteger(result.turns) || (result.turns as number) < 0 || typeof result.costUsd !== 'number' || !(result.costUsd >= 0)) {
    throw new TrajectoryError('trajectory.result must be { turns: integer ≥ 0, costUsd: number ≥ 0 }');
  }
  const fields: Record<ReplayStep['type'], Record<string, 'string' | 'integer?'>> = {
    write: { path: 'string', content: 'string' },
    edit: { path: 'string', find: 'string', replace: 'string' },
    delete: { path: 'string' },
    run: { command: 'string', expectExit: 'integer?' },
    commit: { message: 'string' },
    turn: { text: 'string' },
  };
  value.steps.forEach((step, i) => {
    if (!isObject(step) || !isString(step.type) || !(step.type in fields)) {
      throw new TrajectoryError(`step ${i + 1}: type must be one of ${Object.keys(fields).join(', ')}`);
    }
    for (const [name, kind] of Object.entries(fields[step.type as ReplayStep['type']])) {
      const v = step[name];
      if (kind === 'string' && !isString(v)) throw new TrajectoryError(`step ${i + 1} (${step.type}): ${name} must be a string`);
      if (kind === 'integer?' && v !== undefined && !Number.isInteger(v)) throw new TrajectoryError(`step ${i + 1} (${step.type}): ${name} must be an integer`);
    }
    if (step.type === 'edit' && step.find === '') throw new TrajectoryError(`step ${i + 1} (edit): find must not be empty`);
  });
  return { version: 1, steps: value.steps as ReplayStep[], result: { turns: result.turns as number, costUsd: result.costUsd as number } };
}

/**
 * The absolute path of `relative` inside `workspace`, or PathOutsideWorkspaceError: no absolute
 * path, no `..`, no `.git`, no symbolic link (in the existing part of the path) leading outside.
 */
export function resolveInWorkspace(workspace: string, relative: string): string {
  const shown = JSON.stringify(relative);
  if (relative === '' || relative.includes('\0')) throw new PathOutsideWorkspaceError(`invalid path ${shown}`);
  if (path.isAbsolute(relative) || path.win32.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) {
    throw new PathOutsideWorkspaceError(`absolute path ${shown} refused: paths are relative to the workspace`);
  }
  const segments = relative.split(/[\\/]+/);
  if (segments.includes('..')) throw new PathOutsideWorkspaceError(`path ${shown} refused: '..' is not allowed`);
  if (segments.some((s) => s.toLowerCase() === '.git')) throw new PathOutsideWorkspaceError(`path ${shown} refused: .git is not part of the work`);
  const root = path.resolve(workspace);
  const target = path.resolve(root, ...segments.filter((s) => s !== '' && s !== '.'));
  if (target === root || !target.startsWith(root + path.sep)) throw new PathOutsideWorkspaceError(`path ${shown} is not inside the workspace`);

  // Symbolic links: the deepest existing ancestor (or the target itself) must resolve inside.
  const realRoot = realpathSync(root);
  let probe = target;
  while (!existsSync(probe) && !isSymlink(probe)) probe = path.dirname(probe);
  let real: string;
  try {
    real = realpathSync(probe);
  } catch {
    throw new PathOutsideWorkspaceError(`path ${shown} goes through a broken symbolic link`);
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new PathOutsideWorkspaceError(`path ${shown} leads outside the workspace through a symbolic link`);
  return target;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export interface ReplayHarnessOptions {
  /** The trajectory itself, or where to read it (payload.harness.trajectoryRef) with `blobs`. */
  readonly trajectory?: Trajectory;
  readonly trajectoryRef?: string;
  readonly blobs?: BlobReader;
  /** Timeout of each `run` step (default 10 minutes). */
  readonly runTimeoutMs?: number;
}

export class ReplayHarness implements AgentHarness {
  readonly type = 'replay' as const;

  constructor(private readonly options: ReplayHarnessOptions) {
    if (!options.trajectory && !(options.trajectoryRef && options.blobs)) throw new Error('ReplayHarness needs a trajectory, or a trajectoryRef and a BlobReader');
  }

  async load(): Promise<Trajectory> {
    if (this.options.trajectory) return parseTrajectory(this.options.trajectory);
    const ref = this.options.trajectoryRef!;
    const raw = (await this.options.blobs!.get(ref)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new TrajectoryError(`the trajectory ${ref} is not valid JSON: ${(err as Error).message}`);
    }
    return parseTrajectory(parsed);
  }

  async run(context: HarnessContext): Promise<HarnessResult> {
    let turns = 0;
    const fail = (message: string): HarnessResult => {
      context.progress({ kind: 'error', message });
      return { outcome: 'error', error: message, turns, costUsd: 0 };
    };
    let trajectory: Trajectory;
    try {
      trajectory = await this.load();
    } catch (err) {
      return fail((err as Error).message);
    }
    const git = new Git(context.workspace);
    const total = trajectory.steps.length;

    const acknowledgeNudges = () => {
      for (const message of context.nudges()) context.progress({ kind: 'milestone', name: 'nudge_received', detail: message });
    };

    for (const [i, step] of trajectory.steps.entries()) {
      if (context.signal.aborted) return fail(`replay aborted before step ${i + 1} of ${total}`);
      acknowledgeNudges();
      const where = `step ${i + 1} of ${total} (${step.type})`;
      try {
        switch (step.type) {
          case 'turn':
            turns += 1;
            context.progress({ kind: 'turn', turn: turns, text: step.text });
            break;
          case 'write': {
            const file = resolveInWorkspace(context.workspace, step.path);
            await mkdir(path.dirname(file), { recursive: true });
            await writeFile(file, step.content);
            context.progress({ kind: 'tool_call', tool: 'write', summary: step.path });
            break;
          }
          case 'edit': {
            const file = resolveInWorkspace(context.workspace, step.path);
            const before = await readFile(file, 'utf8');
            const at = before.indexOf(step.find);
            if (at < 0) throw new Error(`${step.path} does not contain the text to replace`);
            await writeFile(file, before.slice(0, at) + step.replace + before.slice(at + step.find.length));
            context.progress({ kind: 'tool_call', tool: 'edit', summary: step.path });
            break;
          }
          case 'delete': {
            const file = resolveInWorkspace(context.workspace, step.path);
            if (!existsSync(file) && !isSymlink(file)) throw new Error(`${step.path} does not exist`);
            await rm(file, { recursive: true });
            context.progress({ kind: 'tool_call', tool: 'delete', summary: step.path });
            break;
          }
          case 'run': {
            const expected = step.expectExit ?? 0;
            const result = await runShell(step.command, {
              cwd: context.workspace,
              env: childEnv({ ABCA_TASK_ID: context.payload.taskId }),
              signal: context.signal,
              timeoutMs: this.options.runTimeoutMs ?? 10 * 60_000,
            });
            context.progress({ kind: 'tool_call', tool: 'run', summary: `${step.command} → ${describeExit(result)}` });
            if (result.aborted) return fail(`replay aborted during ${where}: ${step.command}`);
            if (result.exitCode !== expected) {
              throw new Error(`\`${step.command}\` ${describeExit(result)}, expected exit ${expected}${result.outputTail.trim() ? `:\n${result.outputTail.trim().slice(-1000)}` : ''}`);
            }
            break;
          }
          case 'commit': {
            await git.out(['add', '--all']);
            if ((await git.run(['diff', '--cached', '--quiet'])).code === 0) {
              context.progress({ kind: 'milestone', name: 'commit_skipped', detail: `nothing to commit: ${step.message}` });
              break;
            }
            await git.out(['commit', '--quiet', '-m', step.message]);
            context.progress({ kind: 'tool_call', tool: 'commit', summary: step.message.split('\n')[0]! });
            break;
          }
        }
      } catch (err) {
        return fail(`replay ${where} failed: ${(err as Error).message}`);
      }
    }
    acknowledgeNudges();
    context.progress({ kind: 'cost_update', costUsd: trajectory.result.costUsd, turns: trajectory.result.turns });
    return { outcome: 'success', error: null, turns: trajectory.result.turns, costUsd: trajectory.result.costUsd };
  }
}
