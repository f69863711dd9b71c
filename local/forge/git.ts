/**
 * Git plumbing on the forge's bare repositories (the `git` CLI, asynchronously): create and seed a
 * repository, resolve refs, count and list commits, diff statistics. Ref names are always passed
 * fully qualified or after `--end-of-options`, so a name can never be read as an option.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface GitCommit {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitPerson;
  readonly committer: GitPerson;
  readonly message: string;
}

interface GitPerson {
  readonly name: string;
  readonly email: string;
  readonly date: string;
}

export interface DiffStat {
  readonly additions: number;
  readonly deletions: number;
  readonly changedFiles: number;
}

const MAX_BUFFER = 64 * 1024 * 1024;

/** Runs git and resolves with its stdout; rejects with git's stderr in the message. */
function git(gitDir: string | undefined, args: readonly string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const fullArgs = gitDir ? [`--git-dir=${gitDir}`, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const child = execFile('git', fullArgs, { maxBuffer: MAX_BUFFER, env: { ...process.env, ...options.env } }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(new Error(`git ${args.join(' ')} failed: ${stderr.trim() || err.message}`), { exitCode: (err as { code?: unknown }).code }));
      else resolve(stdout);
    });
    child.stdin?.on('error', () => undefined); // git may exit without reading stdin (EPIPE)
    child.stdin?.end(options.input ?? '');
  });
}

/** Like `git`, but an exit code of 1 (not found / false) resolves to null. */
async function gitOrNull(gitDir: string, args: readonly string[]): Promise<string | null> {
  try {
    return await git(gitDir, args);
  } catch (err) {
    if ((err as { exitCode?: unknown }).exitCode === 1 || (err as { exitCode?: unknown }).exitCode === 128) return null;
    throw err;
  }
}

export async function initBareRepository(gitDir: string, defaultBranch: string): Promise<void> {
  await git(undefined, ['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, gitDir]);
}

/** Makes a root commit holding `files` (path → content) on `branch`; returns its sha. */
export async function seedCommit(gitDir: string, branch: string, files: Readonly<Record<string, string>>, author: { name: string; email: string }, message: string): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'forge-index-'));
  const env = {
    GIT_INDEX_FILE: path.join(tmp, 'index'),
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  try {
    for (const [file, content] of Object.entries(files)) {
      const blob = (await git(gitDir, ['hash-object', '-w', '--stdin'], { input: content })).trim();
      await git(gitDir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env });
    }
    const tree = (await git(gitDir, ['write-tree'], { env })).trim();
    const commit = (await git(gitDir, ['commit-tree', tree, '-m', message], { env })).trim();
    await git(gitDir, ['update-ref', `refs/heads/${branch}`, commit]);
    return commit;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A name git accepts for a branch or tag (git check-ref-format's rules, simplified), so no revision syntax slips through. */
function isValidRefName(name: string): boolean {
  return (
    name.length > 0 &&
    !/[\x00-\x20\x7f~^:?*[\\]/.test(name) &&
    !name.includes('..') &&
    !name.includes('@{') &&
    !name.includes('//') &&
    !/(^|\/)\./.test(name) &&
    !/(\.lock|\.|\/)$/.test(name) &&
    !name.startsWith('/') &&
    !name.startsWith('-') &&
    name !== '@'
  );
}

/** The sha at the tip of `branch`, or null when there is no such branch. */
export async function branchSha(gitDir: string, branch: string): Promise<string | null> {
  if (!isValidRefName(branch)) return null;
  const out = await gitOrNull(gitDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
  return out?.trim() || null;
}

/** Every branch and the sha at its tip. */
export async function branchTips(gitDir: string): Promise<Map<string, string>> {
  const out = await git(gitDir, ['for-each-ref', '--format=%(objectname) %(refname:lstrip=2)', 'refs/heads/']);
  const tips = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) tips.set(line.slice(space + 1), line.slice(0, space));
  }
  return tips;
}

/** A branch name, a tag name or a (possibly abbreviated) commit sha, as a full commit sha; null if unknown. */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | null> {
  const candidates = isValidRefName(ref) ? [`refs/heads/${ref}`, `refs/tags/${ref}`] : [];
  if (/^[0-9a-f]{4,40}$/i.test(ref)) candidates.push(ref);
  for (const candidate of candidates) {
    const out = await gitOrNull(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`]);
    if (out?.trim()) return out.trim();
  }
  return null;
}

export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | null> {
  const out = await gitOrNull(gitDir, ['merge-base', a, b]);
  return out?.trim() || null;
}

/** Commits reachable from `to` and not from `from` (both shas). */
export async function countCommits(gitDir: string, from: string, to: string): Promise<number> {
  return Number((await git(gitDir, ['rev-list', '--count', `${from}..${to}`])).trim());
}

const FIELDS = ['%H', '%T', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x00');

/** Commits reachable from `to` and not from `from` (all of `to`'s history when null), oldest first. */
export async function listCommits(gitDir: string, from: string | null, to: string, limit = 250): Promise<GitCommit[]> {
  const range = from ? `${from}..${to}` : to;
  const out = await git(gitDir, ['log', '--reverse', `--max-count=${limit}`, `--format=${FIELDS}%x1e`, range]);
  return out.split('\x1e').map((s) => s.replace(/^\n/, '')).filter((s) => s.length > 0).map(parseCommit);
}

export async function getCommit(gitDir: string, sha: string): Promise<GitCommit> {
  const out = await git(gitDir, ['log', '--max-count=1', `--format=${FIELDS}%x1e`, sha]);
  return parseCommit(out.split('\x1e')[0]!);
}

function parseCommit(record: string): GitCommit {
  const [sha, tree, parents, an, ae, ad, cn, ce, cd, ...message] = record.split('\x00');
  return {
    sha: sha!,
    tree: tree!,
    parents: parents ? parents.split(' ').filter(Boolean) : [],
    author: { name: an!, email: ae!, date: utc(ad!) },
    committer: { name: cn!, email: ce!, date: utc(cd!) },
    message: message.join('\x00').replace(/\n+$/, ''),
  };
}

const utc = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Lines added and deleted, and files changed, between two commits. */
export async function diffStat(gitDir: string, from: string, to: string): Promise<DiffStat> {
  const out = await git(gitDir, ['diff', '--numstat', from, to]);
  let additions = 0;
  let deletions = 0;
  let changedFiles = 0;
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [a, d] = line.split('\t');
    changedFiles += 1;
    additions += Number(a) || 0; // '-' for binary files
    deletions += Number(d) || 0;
  }
  return { additions, deletions, changedFiles };
}
