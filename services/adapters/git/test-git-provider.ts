/**
 * The test git provider: answers findPullRequest / countCommitsAhead from what the test compute's
 * sessions recorded (TestCompute.recordedWork), and getIssue from issues added with `addIssue`.
 * Used with the test compute only (reliability tests, the pipeline bench, service tests).
 *
 * `failNext(method, error, times)` makes the next calls of a method throw (git provider outages);
 * an unknown issue throws an error with `status: 404`, as octokit does.
 */
import type { GitProvider, IssueContent, PullRequestRef } from '../../ports/git-provider';
import type { TestCompute } from '../compute/test-compute';

export type GitMethod = 'findPullRequest' | 'countCommitsAhead' | 'getIssue';

export class TestGitProvider implements GitProvider {
  /** Every call, in order (for assertions). */
  readonly calls: Array<{ readonly method: GitMethod; readonly repo: string; readonly arg: string | number }> = [];
  private readonly issues = new Map<string, IssueContent>();
  private readonly failures = new Map<GitMethod, { error: Error; left: number }>();

  constructor(private readonly compute: TestCompute) {}

  addIssue(repo: string, issue: IssueContent): void {
    this.issues.set(`${repo}#${issue.number}`, issue);
  }

  failNext(method: GitMethod, error: Error, times = 1): void {
    this.failures.set(method, { error, left: times });
  }

  async findPullRequest(repo: string, branch: string): Promise<PullRequestRef | null> {
    this.called('findPullRequest', repo, branch);
    return this.compute.recordedWork(repo, branch)?.pullRequest ?? null;
  }

  async countCommitsAhead(repo: string, branch: string): Promise<number> {
    this.called('countCommitsAhead', repo, branch);
    return this.compute.recordedWork(repo, branch)?.commits ?? 0;
  }

  async getIssue(repo: string, issueNumber: number): Promise<IssueContent> {
    this.called('getIssue', repo, issueNumber);
    const issue = this.issues.get(`${repo}#${issueNumber}`);
    if (!issue) throw Object.assign(new Error(`Not Found: issue #${issueNumber} in ${repo}`), { status: 404 });
    return issue;
  }

  private called(method: GitMethod, repo: string, arg: string | number): void {
    this.calls.push({ method, repo, arg });
    const failure = this.failures.get(method);
    if (failure && failure.left > 0) {
      failure.left -= 1;
      throw failure.error;
    }
  }
}
