/**
 * Git for the agent runtime: one workspace, commands run with `git -C <dir>`.
 *
 * Credentials. The token is never written to disk, to argv or to a remote URL: it travels as
 * `http.extraHeader` in the environment of the runtime's own git commands only
 * (GIT_CONFIG_COUNT / GIT_CONFIG_KEY_0 / GIT_CONFIG_VALUE_0, git ≥ 2.31), as GitHub's
 * `Authorization: Basic base64(x-access-token:<token>)`. Harness and verification processes get
 * an environment without it (process.ts `childEnv`), and every error message and log line passes
 * through `redact`.
 */
import { spawn } from 'node:child_process';

class GitError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface GitRunOptions {
  /** Defaults to the workspace. */
  readonly cwd?: string;
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Extra environment for this command. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The Authorization header git sends with the token (GitHub accepts it for clone, fetch and push). */
function authorizationHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/** Environment entries that make git send the token, without touching any config file. */
function gitAuthEnv(token: string | undefined): Record<string, string> {
  if (!token) return {};
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: authorizationHeader(token) };
}

/** Removes credentials from text: the secrets themselves (and their Basic form) and `user:pass@` in URLs. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of [secret, Buffer.from(`x-access-token:${secret}`).toString('base64')]) out = out.split(form).join('***');
  }
  return out;
}

export class Git {
  private readonly secrets: readonly string[];

  constructor(
    /** The workspace (the repository's working tree). */
    readonly dir: string,
    private readonly token?: string,
  ) {
    this.secrets = token ? [token] : [];
  }

  /** Runs git; never throws for a non-zero exit (see `code`). */
  run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', [...args], {
        cwd: options.cwd ?? this.dir,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_ASKPASS: '',
          SSH_ASKPASS: '',
          LC_ALL: 'C',
          ...gitAuthEnv(this.token),
          ...(options.env ?? {}),
        },
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => err.push(c));
      let timer: NodeJS.Timeout | undefined;
      if (options.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
      if (options.input !== undefined) child.stdin?.end(options.input);
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        reject(new GitError(this.redact(`git ${args[0]}: ${e.message}`), args, null, ''));
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: this.redact(Buffer.concat(err).toString('utf8')) });
      });
    });
  }

  /** Runs git and returns its trimmed stdout; throws GitError (redacted) on a non-zero exit. */
  async out(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      const detail = result.stderr.trim() || result.stdout.trim();
      throw new GitError(this.redact(`git ${args.join(' ')} failed (exit ${result.code})${detail ? `: ${detail}` : ''}`), args, result.code, result.stderr);
    }
    return result.stdout.trim();
  }

  /** Whether git exits 0. */
  async ok(args: readonly string[], options: GitRunOptions = {}): Promise<boolean> {
    return (await this.run(args, options)).code === 0;
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** The current branch, or null when HEAD is detached. */
  async currentBranch(): Promise<string | null> {
    const result = await this.run(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return result.code === 0 ? result.stdout.trim() : null;
  }

  /** Commits reachable from HEAD and not from `base`. */
  async commitsSince(base: string): Promise<number> {
    return Number(await this.out(['rev-list', '--count', `${base}..HEAD`]));
  }
}
