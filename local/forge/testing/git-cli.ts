/**
 * The real git CLI for tests against the forge: asynchronous (the forge serves from the same
 * process, so a synchronous git call would deadlock), isolated from the machine's and the user's
 * git configuration, never prompting for credentials.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class GitCli {
  private constructor(readonly home: string) {}

  /** A git environment with its own empty HOME. */
  static async create(): Promise<GitCli> {
    return new GitCli(await mkdtemp(path.join(os.tmpdir(), 'forge-git-home-')));
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: this.home, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_ASKPASS: '', SSH_ASKPASS: '' };
    Object.assign(env, { GIT_AUTHOR_NAME: 'Test Author', GIT_AUTHOR_EMAIL: 'author@example.com', GIT_COMMITTER_NAME: 'Test Author', GIT_COMMITTER_EMAIL: 'author@example.com' });
    return env;
  }

  /** Runs git; never rejects (look at `code`). */
  run(args: readonly string[], cwd = this.home): Promise<GitResult> {
    return new Promise((resolve) => {
      execFile('git', ['-c', 'credential.helper=', '-c', 'init.defaultBranch=main', ...args], { cwd, env: this.env(), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Runs git and rejects with its output when it fails. */
  async ok(args: readonly string[], cwd = this.home): Promise<string> {
    const result = await this.run(args, cwd);
    if (result.code !== 0) throw new Error(`git ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  /** Clones into a new folder and returns it. */
  async clone(url: string): Promise<string> {
    const dir = await mkdtemp(path.join(this.home, 'wc-'));
    await this.ok(['clone', '--quiet', url, dir]);
    return dir;
  }

  /** Writes a file and commits it; returns the new commit's sha. */
  async commitFile(dir: string, file: string, content: string, message = `Update ${file}`): Promise<string> {
    await writeFile(path.join(dir, file), content);
    await this.ok(['add', file], dir);
    await this.ok(['commit', '--quiet', '-m', message], dir);
    return (await this.ok(['rev-parse', 'HEAD'], dir)).trim();
  }
}
