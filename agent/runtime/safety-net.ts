/**
 * The safety net: no work is ever lost. It stages everything, commits it as
 * "bgagent: safety-net commit" when there is anything to commit (the trailers hook still runs:
 * `--no-verify` skips only the repository's pre-commit and commit-msg hooks, which must not block
 * it), and pushes the branch, retrying transient failures with backoff.
 *
 * - Idempotent: with nothing new it neither commits nor changes the remote. Calls while one is
 *   running share it (the session and a signal handler may both ask).
 * - `stopCommitting()`: after the harness has finished its work has been saved, and what follows
 *   (verification) leaves build output in the tree that is not the agent's work: from then on the
 *   safety net only pushes.
 * - Nothing is pushed while the branch has no commits of its own (no empty branch on the remote).
 * - Never throws: the result says what happened (`error`).
 *
 * `installSignalHandlers` runs a callback once on the first SIGTERM / SIGINT (the compute's stop,
 * a user's cancel) and then exits 128 + signal number (143 for SIGTERM, 130 for SIGINT).
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Git } from './git';
import { errorMessage, silentLog, type Log } from './log';

export const SAFETY_NET_MESSAGE = 'bgagent: safety-net commit';

export interface SafetyNetOptions {
  readonly git: Git;
  readonly branch: string;
  /** Commits after this one are the branch's own. */
  readonly baseCommit: string;
  /** Push attempts (default 4). */
  readonly pushAttempts?: number;
  /** First retry delay, doubled each time (default 1000 ms). */
  readonly retryDelayMs?: number;
  readonly log?: Log;
}

export interface SafetyNetResult {
  /** A safety-net commit was made by this run. */
  readonly committed: boolean;
  /** The remote branch is at HEAD (pushed now, or already there). */
  readonly pushed: boolean;
  /** Commits on the branch after the base commit. */
  readonly commitsAhead: number;
  readonly head: string | null;
  readonly error: string | null;
}

export class SafetyNet {
  private inFlight: Promise<SafetyNetResult> | undefined;
  private committing = true;
  private runs = 0;
  private readonly log: Log;

  constructor(private readonly options: SafetyNetOptions) {
    this.log = options.log ?? silentLog;
  }

  /** From now on only push (see the module comment). */
  stopCommitting(): void {
    this.committing = false;
  }

  /** How many times the safety net has run (for tests and logs). */
  get runCount(): number {
    return this.runs;
  }

  run(reason: string): Promise<SafetyNetResult> {
    if (!this.inFlight) {
      this.inFlight = this.doRun(reason).finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async doRun(reason: string): Promise<SafetyNetResult> {
    this.runs += 1;
    const { git, branch, baseCommit } = this.options;
    let committed = false;
    let commitsAhead = 0;
    let head: string | null = null;
    try {
      if (this.committing) committed = await this.commitEverything();
      head = await git.out(['rev-parse', 'HEAD']);
      commitsAhead = await git.commitsSince(baseCommit);
      if (commitsAhead === 0) {
        this.log('info', 'safety net: nothing to save', { reason });
        return { committed, pushed: false, commitsAhead, head, error: null };
      }
      const current = await git.currentBranch();
      if (current !== branch) this.log('warn', `safety net: HEAD is on ${current ?? 'a detached HEAD'}, not ${branch}; pushing HEAD to ${branch}`, { reason });
      await this.push();
      this.log('info', 'safety net: branch pushed', { reason, committed, commitsAhead, head });
      return { committed, pushed: true, commitsAhead, head, error: null };
    } catch (err) {
      const error = git.redact(errorMessage(err));
      this.log('error', `safety net failed: ${error}`, { reason });
      return { committed, pushed: false, commitsAhead, head, error };
    }
  }

  private async commitEverything(): Promise<boolean> {
    const { git } = this.options;
    // A harness killed in the middle of a git command leaves index.lock behind; nothing else runs now.
    const gitDir = await git.out(['rev-parse', '--absolute-git-dir']);
    const lock = path.join(gitDir, 'index.lock');
    if (existsSync(lock)) {
      this.log('warn', 'safety net: removing a stale index.lock');
      await rm(lock, { force: true });
    }
    await git.out(['add', '--all']);
    const staged = await git.run(['diff', '--cached', '--quiet']);
    if (staged.code === 0) return false;
    await git.out(['commit', '--quiet', '--no-verify', '-m', SAFETY_NET_MESSAGE]);
    return true;
  }

  /** Pushes HEAD to the branch; retries transient failures, not rejections. */
  async push(): Promise<void> {
    const { git, branch } = this.options;
    const attempts = this.options.pushAttempts ?? 4;
    let delay = this.options.retryDelayMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      const result = await git.run(['push', '--porcelain', 'origin', `HEAD:refs/heads/${branch}`], { timeoutMs: 5 * 60_000 });
      if (result.code === 0) return;
      const detail = (result.stderr.trim() || result.stdout.trim()).slice(-2000);
      const rejected = /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first/.test(`${result.stdout}\n${result.stderr}`);
      if (rejected || attempt >= attempts) throw new Error(`git push of ${branch} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${git.redact(detail)}`);
      this.log('warn', `git push failed (attempt ${attempt}/${attempts}); retrying in ${delay} ms`, { detail: git.redact(detail) });
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
}

const SIGNAL_EXIT_CODES: Readonly<Record<'SIGTERM' | 'SIGINT', number>> = { SIGTERM: 143, SIGINT: 130 };

export interface SignalHandlerOptions {
  /** Runs once, on the first signal. */
  readonly onSignal: (signal: 'SIGTERM' | 'SIGINT') => Promise<void>;
  /** The callback is given up on after this long (default 25 000 ms, under the compute's 30 s grace). */
  readonly timeoutMs?: number;
  readonly exit?: (code: number) => void;
  readonly log?: Log;
}

/** Installs the handlers; returns a function that removes them. */
export function installSignalHandlers(options: SignalHandlerOptions): () => void {
  const log = options.log ?? silentLog;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let handling = false;
  const handler = (signal: 'SIGTERM' | 'SIGINT') => {
    if (handling) {
      log('warn', `${signal} received again; still saving the work`);
      return;
    }
    handling = true;
    log('warn', `${signal} received: saving the work before exiting`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log('error', `${signal}: the shutdown did not finish in time; exiting`);
        resolve();
      }, options.timeoutMs ?? 25_000);
    });
    Promise.race([options.onSignal(signal).catch((err) => log('error', `shutdown failed: ${errorMessage(err)}`)), timeout]).finally(() => {
      if (timer) clearTimeout(timer);
      exit(SIGNAL_EXIT_CODES[signal]);
    });
  };
  const onTerm = () => handler('SIGTERM');
  const onInt = () => handler('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  };
}
