/**
 * The GitHub provider of a Lambda function, whose token lives in Secrets Manager: the client is
 * made on the first call (most services never call GitHub), with the token read then, and reused
 * by every later call of the execution environment.
 */
import { GitHubClient } from '../adapters/git/octokit-git-provider';
import type { GitProvider } from '../ports/git-provider';

export class LazyGitProvider implements GitProvider {
  private client: Promise<GitProvider> | undefined;

  constructor(private readonly make: () => Promise<GitProvider>) {}

  /** GitHub (or GitHub Enterprise at `baseUrl`) with the token from `token()`. */
  static github(token: () => Promise<string>, baseUrl?: string): LazyGitProvider {
    return new LazyGitProvider(async () => new GitHubClient({ token: await token(), ...(baseUrl ? { baseUrl } : {}) }));
  }

  findPullRequest(repo: string, branch: string) {
    return this.get().then((c) => c.findPullRequest(repo, branch));
  }

  countCommitsAhead(repo: string, branch: string) {
    return this.get().then((c) => c.countCommitsAhead(repo, branch));
  }

  getIssue(repo: string, issueNumber: number) {
    return this.get().then((c) => c.getIssue(repo, issueNumber));
  }

  private get(): Promise<GitProvider> {
    if (!this.client) {
      this.client = this.make();
      this.client.catch(() => (this.client = undefined));
    }
    return this.client;
  }
}
