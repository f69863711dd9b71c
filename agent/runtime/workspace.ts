/**
 * The workspace: a full clone of the repository (history is needed for the base commit, the
 * regression check and the PR's diff), with the commit identity `bgagent`.
 *
 * - The clone URL has no credentials (SessionPayload.cloneUrl); the token is sent as an HTTP header
 *   by the runtime's git commands only (git.ts). A URL that does carry `user:pass@` still works and
 *   is redacted from every message.
 * - A restarted agent may find its workspace already there (same session, same folder): when it is
 *   a clone of the same URL it is fetched instead of cloned again, so uncommitted work left by the
 *   previous run is kept (and saved by the safety net).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Git, redact } from './git';

const BOT_NAME = 'bgagent';
const BOT_EMAIL = 'bgagent@users.noreply.abca.dev';

export interface CloneOptions {
  readonly cloneUrl: string;
  /** Where the working tree goes (created; must be empty or a clone of the same URL). */
  readonly dir: string;
  readonly token?: string;
  readonly timeoutMs?: number;
}

export interface Workspace {
  readonly dir: string;
  readonly git: Git;
  /** True when an existing clone was reused (fetched) instead of cloned. */
  readonly reused: boolean;
}

export async function cloneWorkspace(options: CloneOptions): Promise<Workspace> {
  const dir = path.resolve(options.dir);
  const git = new Git(dir, options.token);
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  let reused = false;

  if (existsSync(dir) && readdirSync(dir).length > 0) {
    const origin = await git.run(['config', '--get', 'remote.origin.url']);
    if (!existsSync(path.join(dir, '.git')) || origin.code !== 0 || origin.stdout.trim() !== options.cloneUrl) {
      throw new Error(`the workspace ${dir} is not empty and is not a clone of ${redact(options.cloneUrl)}`);
    }
    await git.out(['fetch', '--quiet', '--prune', 'origin'], { timeoutMs });
    reused = true;
  } else {
    await mkdir(path.dirname(dir), { recursive: true });
    await git.out(['clone', '--quiet', '--no-recurse-submodules', '--', options.cloneUrl, dir], { cwd: path.dirname(dir), timeoutMs });
  }

  await git.out(['config', 'user.name', BOT_NAME]);
  await git.out(['config', 'user.email', BOT_EMAIL]);
  await git.out(['config', 'commit.gpgsign', 'false']);
  return { dir, git, reused };
}
