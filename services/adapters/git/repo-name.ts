/** `owner/name`, the platform's way of naming a repository, split for octokit. */
export interface RepoName {
  readonly owner: string;
  readonly repo: string;
}

export function parseRepo(fullName: string): RepoName {
  const match = /^([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)$/.exec(fullName);
  if (!match) throw new Error(`A repository is named owner/name, got "${fullName}"`);
  return { owner: match[1]!, repo: match[2]!.replace(/\.git$/, '') };
}
