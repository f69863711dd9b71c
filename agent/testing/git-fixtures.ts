/**
 * Real git repositories for the agent's tests: a bare repository as `origin` (reached by a file://
 * URL, like the forge's clone URL would be), seeded with files on its default branch, plus helpers
 * to read what was pushed. Everything lives under one temporary folder removed by `cleanup()`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SessionPayload } from '../contracts';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Seed',
  GIT_AUTHOR_EMAIL: 'seed@example.test',
  GIT_COMMITTER_NAME: 'Seed',
  GIT_COMMITTER_EMAIL: 'seed@example.test',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export interface TestOrigin {
  /** The temporary folder holding everything. */
  readonly root: string;
  /** The bare repository. */
  readonly bare: string;
  /** Its file:// URL (the clone URL). */
  readonly url: string;
  readonly defaultBranch: string;
  /** Commits files on a branch of origin (created from the default branch when new); returns the commit. */
  commit(files: Record<string, string | null>, message: string, branch?: string): string;
  /** `git show <ref>:<file>` in the bare repository. */
  show(ref: string, file: string): string;
  /** The commit a branch of origin points to, or null. */
  head(branch: string): string | null;
  /** Full messages of the commits on `branch` not on the default branch, oldest first. */
  messages(branch: string): string[];
  /** A fresh folder under root. */
  dir(name: string): string;
  /** A file:// URL to a new file under root with this content. */
  file(name: string, content: string): string;
  cleanup(): void;
}

export function createOrigin(files: Record<string, string>, options: { defaultBranch?: string } = {}): TestOrigin {
  const root = mkdtempSync(path.join(tmpdir(), 'abca-agent-test-'));
  const bare = path.join(root, 'origin.git');
  const defaultBranch = options.defaultBranch ?? 'main';
  git(root, 'init', '--quiet', '--bare', '-b', defaultBranch, bare);
  const seed = path.join(root, 'seed');
  git(root, 'clone', '--quiet', bare, seed);
  git(seed, 'checkout', '--quiet', '-b', defaultBranch);
  let seq = 0;

  const origin: TestOrigin = {
    root,
    bare,
    url: pathToFileURL(bare).href,
    defaultBranch,
    commit(changes, message, branch = defaultBranch) {
      git(seed, 'fetch', '--quiet', 'origin');
      const exists = git(seed, 'ls-remote', '--heads', 'origin', branch) !== '';
      const hasDefault = git(seed, 'ls-remote', '--heads', 'origin', defaultBranch) !== '';
      if (exists || hasDefault) git(seed, 'checkout', '--quiet', '-B', branch, exists ? `origin/${branch}` : `origin/${defaultBranch}`);
      for (const [file, content] of Object.entries(changes)) {
        const p = path.join(seed, file);
        if (content === null) rmSync(p, { force: true });
        else {
          mkdirSync(path.dirname(p), { recursive: true });
          writeFileSync(p, content);
        }
      }
      git(seed, 'add', '--all');
      git(seed, 'commit', '--quiet', '--allow-empty', '-m', message);
      git(seed, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
      return git(seed, 'rev-parse', 'HEAD');
    },
    show(ref, file) {
      return git(bare, 'show', `${ref}:${file}`);
    },
    head(branch) {
      try {
        return git(bare, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`);
      } catch {
        return null;
      }
    },
    messages(branch) {
      const out = git(bare, 'log', '--reverse', '--format=%B%x00', `refs/heads/${defaultBranch}..refs/heads/${branch}`);
      return out.split('\0').map((m) => m.trim()).filter((m) => m !== '');
    },
    dir(name) {
      const d = path.join(root, `${name}-${++seq}`);
      mkdirSync(d, { recursive: true });
      return d;
    },
    file(name, content) {
      const f = path.join(root, 'blobs', `${++seq}-${name}`);
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, content);
      return pathToFileURL(f).href;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  // The initial commit (an empty repository has no default branch to start from).
  origin.commit(files, 'Initial commit');
  return origin;
}

const TASK_ID = '01JTESTTASK0000000000000001';

export function testPayload(origin: TestOrigin, overrides: Partial<SessionPayload> = {}): SessionPayload {
  return {
    taskId: TASK_ID,
    sessionId: `${TASK_ID}-s1`,
    userId: 'user-1',
    repo: 'octo/widgets',
    branchName: `bgagent/${TASK_ID}/fix-the-greeting`,
    issueNumber: null,
    promptRef: origin.file('prompt.md', '## Task\n\nFix the greeting.\n'),
    promptVersion: 'pv0123456789',
    modelId: 'test-model',
    maxTurns: 10,
    maxBudgetUsd: null,
    deadlineAt: new Date(Date.now() + 3_600_000).toISOString(),
    cloneUrl: origin.url,
    gitApiUrl: 'http://127.0.0.1:1/api',
    harness: { type: 'replay', trajectoryRef: origin.file('trajectory.json', JSON.stringify({ version: 1, steps: [], result: { turns: 0, costUsd: 0 } })) },
    verify: { build: [], test: [], lint: [], gating: 'informational' },
    telemetry: { streamName: 'abca-telemetry', region: 'us-east-1' },
    heartbeatSeconds: 0,
    ...overrides,
  };
}

/** Trailer lines of a commit message. */
export function trailerLines(message: string, key: string): string[] {
  return message.split('\n').filter((l) => l.startsWith(`${key}:`));
}
