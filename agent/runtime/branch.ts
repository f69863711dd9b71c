/**
 * The task's branch (`payload.branchName`, made by services/tasks/task/branch-name.ts).
 *
 * - New task: the branch is created from the remote's default branch.
 * - Retried session (the branch already exists on the remote): it is checked out and the work
 *   continues on top of what the earlier session pushed (`resumed`).
 * - Reused workspace (a restarted agent): a local branch of that name is kept as it is, never
 *   reset, so unpushed commits survive; it is fast-forwarded to the remote when it can be.
 *
 * The base commit is the merge base of the branch and the default branch: the PR's diff, the
 * commit count and the regression check are all relative to it.
 */
import type { Git } from './git';

export interface BranchInfo {
  readonly branch: string;
  /** The repository's default branch (the PR's base). */
  readonly baseBranch: string;
  /** merge-base(HEAD, origin/<baseBranch>). */
  readonly baseCommit: string;
  /** True when the branch already existed on the remote. */
  readonly resumed: boolean;
}

/** The remote's default branch (origin/HEAD), asking the remote when the clone does not know it. */
export async function defaultBranch(git: Git): Promise<string> {
  const local = await git.run(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  if (local.code === 0 && local.stdout.trim().startsWith('origin/')) return local.stdout.trim().slice('origin/'.length);
  const remote = await git.run(['ls-remote', '--symref', 'origin', 'HEAD']);
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(remote.stdout);
  if (match) return match[1]!;
  for (const candidate of ['main', 'master']) {
    if (await git.ok(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${candidate}`])) return candidate;
  }
  throw new Error('cannot tell the default branch of the repository (origin/HEAD is not set and the remote does not say)');
}

/** Whether `branch` exists on origin (asks the remote, not the clone's possibly stale refs). */
async function remoteBranchExists(git: Git, branch: string): Promise<boolean> {
  const result = await git.run(['ls-remote', '--exit-code', '--heads', 'origin', `refs/heads/${branch}`]);
  if (result.code === 0) return true;
  if (result.code === 2) return false;
  throw new Error(`git ls-remote origin failed (exit ${result.code}): ${result.stderr.trim()}`);
}

export async function prepareBranch(git: Git, branch: string): Promise<BranchInfo> {
  if (!(await git.ok(['check-ref-format', '--branch', branch]))) throw new Error(`not a valid branch name: ${JSON.stringify(branch)}`);
  const baseBranch = await defaultBranch(git);
  const resumed = await remoteBranchExists(git, branch);
  const localExists = await git.ok(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  const current = await git.currentBranch();

  if (resumed) {
    await git.out(['fetch', '--quiet', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
    if (localExists) {
      if (current !== branch) await git.out(['checkout', '--quiet', branch]);
      await git.run(['merge', '--quiet', '--ff-only', `origin/${branch}`]); // behind → catch up; diverged → keep ours
    } else {
      await git.out(['checkout', '--quiet', '-b', branch, '--track', `origin/${branch}`]);
    }
  } else if (localExists) {
    if (current !== branch) await git.out(['checkout', '--quiet', branch]);
  } else {
    await git.out(['checkout', '--quiet', '--no-track', '-b', branch, `origin/${baseBranch}`]);
  }

  const baseCommit = await git.out(['merge-base', 'HEAD', `origin/${baseBranch}`]);
  return { branch, baseBranch, baseCommit, resumed };
}
