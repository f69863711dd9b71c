/**
 * Pull requests: create (GitHub's 422s for a missing branch, an open pull request for the same head
 * and base, or no commits between them), keep head and base shas current with the branches, and
 * the statistics of the single-pull-request shape. Creation runs under the repository's lock, so
 * two concurrent requests for one head make one pull request and one 422.
 */
import { branchSha, branchTips, countCommits, diffStat, mergeBase } from './git';
import type { Forge } from './forge';
import { validationFailed } from './http';
import { repoKey, timestamp, type IssueRecord, type RepoRecord } from './model';
import type { PullStats } from './render-issue';

const CREATE_DOCS = 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';

export interface CreatePullInput {
  /** `branch` or `owner:branch` (same repository; forks are not modelled). */
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body?: string | null;
  readonly draft?: boolean;
  readonly user: string;
}

/** The branch named by a `head` parameter, or null when it names another owner. */
export function headBranch(repo: RepoRecord, head: string): string | null {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : null;
}

export function createPull(forge: Forge, repo: RepoRecord, input: CreatePullInput): Promise<IssueRecord> {
  return forge.store.withLock(repoKey(repo.owner, repo.name), async () => {
    const gitDir = forge.gitDir(repo);
    const headRef = headBranch(repo, input.head);
    const headSha = headRef === null ? null : await branchSha(gitDir, headRef);
    if (headRef === null || !headSha) throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }], CREATE_DOCS);
    const baseSha = await branchSha(gitDir, input.base);
    if (!baseSha) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }], CREATE_DOCS);
    const open = repo.issues.find((i) => i.pull && i.state === 'open' && i.pull.head.ref === headRef && i.pull.base.ref === input.base);
    if (open) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner}:${headRef}.` }], CREATE_DOCS);
    }
    if ((await countCommits(gitDir, baseSha, headSha)) === 0) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${input.base} and ${headRef}` }], CREATE_DOCS);
    }
    const now = timestamp();
    const pull: IssueRecord = {
      id: forge.store.nextId(),
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? null,
      state: 'open',
      user: input.user,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      pull: { id: forge.store.nextId(), head: { ref: headRef, sha: headSha }, base: { ref: input.base, sha: baseSha }, draft: input.draft ?? false, merged: false, mergedAt: null },
    };
    repo.issues.push(pull);
    forge.store.save();
    return pull;
  });
}

/** Moves the shas of open pull requests to their branches' tips (branches that still exist). */
export async function refreshPulls(forge: Forge, repo: RepoRecord, pulls: readonly IssueRecord[]): Promise<void> {
  const open = pulls.filter((p) => p.pull && p.state === 'open');
  if (!open.length) return;
  const tips = await branchTips(forge.gitDir(repo));
  let changed = false;
  for (const { pull } of open) {
    for (const side of [pull!.head, pull!.base]) {
      const tip = tips.get(side.ref);
      if (tip && tip !== side.sha) {
        side.sha = tip;
        changed = true;
      }
    }
  }
  if (changed) forge.store.save();
}

export async function pullStats(forge: Forge, repo: RepoRecord, issue: IssueRecord): Promise<PullStats> {
  const gitDir = forge.gitDir(repo);
  const { head, base } = issue.pull!;
  const from = (await mergeBase(gitDir, base.sha, head.sha)) ?? base.sha;
  const commits = await countCommits(gitDir, base.sha, head.sha);
  return { commits, ...(await diffStat(gitDir, from, head.sha)) };
}

export function updatePull(forge: Forge, issue: IssueRecord, change: { title?: string; body?: string | null; state?: string; base?: string }): void {
  if (change.base !== undefined) issue.pull!.base.ref = change.base;
  forge.updateIssue(issue, change);
}
