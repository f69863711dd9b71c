/** Read views over a repository's git data: a branch and a comparison of two refs. */
import { branchSha, countCommits, getCommit, listCommits, mergeBase, resolveCommit } from './git';
import type { Forge } from './forge';
import { ApiError, notFound } from './http';
import type { RepoRecord } from './model';
import { headBranch } from './pulls';
import { renderBranch, renderComparison, type Json } from './render-repo';

export async function branchView(forge: Forge, repo: RepoRecord, name: string): Promise<Json> {
  const gitDir = forge.gitDir(repo);
  const sha = await branchSha(gitDir, name);
  if (!sha) throw new ApiError(404, 'Branch not found', undefined, 'https://docs.github.com/rest/branches/branches#get-a-branch');
  return renderBranch(forge.site, repo, name, await getCommit(gitDir, sha));
}

/** `base...head` (or `base..head`); each side a branch, tag or sha, optionally `owner:`-prefixed. */
export async function comparisonView(forge: Forge, repo: RepoRecord, basehead: string): Promise<Json> {
  const docs = 'https://docs.github.com/rest/commits/commits#compare-two-commits';
  const match = /^(.+?)\.{2,3}(.+)$/.exec(basehead);
  if (!match) throw notFound(docs);
  const gitDir = forge.gitDir(repo);
  const resolve = async (side: string) => {
    const ref = headBranch(repo, side);
    const sha = ref === null ? null : await resolveCommit(gitDir, ref);
    if (!sha) throw notFound(docs);
    return sha;
  };
  const baseSha = await resolve(match[1]!);
  const headSha = await resolve(match[2]!);
  const base = await mergeBase(gitDir, baseSha, headSha);
  if (!base) throw new ApiError(404, `No common ancestor between ${match[1]} and ${match[2]}.`, undefined, docs);
  const [aheadBy, behindBy, commits, baseCommit, headCommit, mergeBaseCommit] = await Promise.all([
    countCommits(gitDir, baseSha, headSha),
    countCommits(gitDir, headSha, baseSha),
    listCommits(gitDir, baseSha, headSha),
    getCommit(gitDir, baseSha),
    getCommit(gitDir, headSha),
    getCommit(gitDir, base),
  ]);
  return renderComparison(forge.site, repo, { basehead, base: baseCommit, head: headCommit, mergeBase: mergeBaseCommit, aheadBy, behindBy, commits });
}
