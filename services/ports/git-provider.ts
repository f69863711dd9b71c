/**
 * GitProvider: what the platform asks of GitHub (or of the local forge that speaks its API).
 * The finalizer infers a task's result from it; hydration reads issues and comments.
 */
export interface PullRequestRef {
  readonly number: number;
  readonly url: string;
  readonly state: 'open' | 'closed';
  readonly merged?: boolean;
}

export interface IssueContent {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly comments: ReadonlyArray<{ readonly author: string; readonly body: string; readonly createdAt: string }>;
}

export interface GitProvider {
  /** The pull request whose head is `branch` (any state), or null. */
  findPullRequest(repo: string, branch: string): Promise<PullRequestRef | null>;
  /** Commits on `branch` that are not on the default branch (0 when the branch does not exist). */
  countCommitsAhead(repo: string, branch: string): Promise<number>;
  getIssue(repo: string, issueNumber: number): Promise<IssueContent>;
}
