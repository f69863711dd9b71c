/**
 * Child processes of the agent (verification commands, the command harness, replay `run` steps).
 *
 * - Each child leads its own process group (`detached`), so a timeout or an abort reaches the whole
 *   tree: SIGTERM to the group, SIGKILL `killGraceMs` later if it is still there. When the child
 *   itself exits, whatever it left behind in its group is killed too (no stray daemons holding the
 *   workspace or our pipes).
 * - Output: stdout and stderr are read line by line (`onLine`), and the last `tailChars` characters
 *   of both, interleaved, are kept for reports (`outputTail`).
 * - The environment is the agent's minus the git credentials (`childEnv`): code from the repository
 *   and the CLI agent never see the token the runtime pushes with.
 */
import { spawn } from 'node:child_process';

/** Variables that never reach a child process: the git token and the git config injected with it. */
const SECRET_ENV_VARS: readonly string[] = ['ABCA_GIT_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'GIT_ASKPASS', 'SSH_ASKPASS'];

/** The agent's environment without secrets (and without injected git config), plus `extra`. */
export function childEnv(extra: Readonly<Record<string, string>> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (SECRET_ENV_VARS.includes(name)) continue;
    if (name === 'GIT_CONFIG_COUNT' || /^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

export interface RunProcessOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGTERM, then SIGKILL) after this long. */
  readonly timeoutMs?: number;
  /** Aborting kills the process tree the same way. */
  readonly signal?: AbortSignal;
  /** Written to stdin, which is then closed (stdin is /dev/null when absent). */
  readonly input?: string;
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Characters of combined output kept (default 4000). */
  readonly tailChars?: number;
  /** SIGTERM → SIGKILL delay (default 5000 ms). */
  readonly killGraceMs?: number;
}

export interface RunProcessResult {
  /** null when the process was killed by a signal or could not start. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly durationMs: number;
  readonly outputTail: string;
  /** Set when the process could not be started (ENOENT, EACCES). */
  readonly spawnError: string | null;
}

export function runProcess(file: string, args: readonly string[], options: RunProcessOptions): Promise<RunProcessResult> {
  const started = Date.now();
  const tailChars = options.tailChars ?? 4000;
  const killGraceMs = options.killGraceMs ?? 5000;
  return new Promise((resolve) => {
    let tail = '';
    let timedOut = false;
    let aborted = false;
    let spawnError: string | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? childEnv(),
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const terminate = () => {
      killGroup('SIGTERM');
      const t = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
      t.unref();
      timers.push(t);
    };

    const flushers: Array<() => void> = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        tail = (tail + text).slice(-tailChars);
        if (!options.onLine) return;
        partial += text;
        const lines = partial.split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const line of lines) options.onLine(line, stream);
      });
      flushers.push(() => {
        if (partial !== '' && options.onLine) options.onLine(partial, stream);
        partial = '';
      });
    }

    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when the child does not read its stdin
      child.stdin.end(options.input);
    }

    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      const t = setTimeout(() => {
        timedOut = true;
        terminate();
      }, options.timeoutMs);
      timers.push(t);
    }
    const onAbort = () => {
      aborted = true;
      terminate();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, timedOut, aborted, durationMs: Date.now() - started, outputTail: tail, spawnError });
    };

    child.on('error', (err) => {
      spawnError = err.message;
      finish(null, null);
    });
    child.on('exit', (code, signal) => {
      // Leftovers of the group (background jobs) are killed; their pipes would keep 'close' away.
      killGroup('SIGKILL');
      const t = setTimeout(() => finish(code, signal), 2000);
      t.unref();
      timers.push(t);
      child.on('close', () => {
        for (const f of flushers) f();
        finish(code, signal);
      });
    });
  });
}

/** `/bin/sh -c <command>`. */
export function runShell(command: string, options: RunProcessOptions): Promise<RunProcessResult> {
  return runProcess('/bin/sh', ['-c', command], options);
}

/** A short human description of how a process ended. */
export function describeExit(result: RunProcessResult): string {
  if (result.spawnError) return `could not start: ${result.spawnError}`;
  if (result.timedOut) return `timed out after ${Math.round(result.durationMs / 1000)} s`;
  if (result.aborted) return 'aborted';
  if (result.exitCode !== null) return `exited with code ${result.exitCode}`;
  return `killed by ${result.signal ?? 'a signal'}`;
}
