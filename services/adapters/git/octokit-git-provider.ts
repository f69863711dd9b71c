/**
 * The GitProvider over octokit (services/ports/git-provider.ts), for GitHub and for the local forge
 * (only `baseUrl` differs), plus what the agent needs: the repository's default branch and clone
 * URL, and `ensurePullRequest`, idempotent by looking before creating.
 *
 *   const github = new GitHubClient({ token, baseUrl: forge.apiUrl });
 *   await github.ensurePullRequest({ repo: 'acme/app', head: 'bgagent/01J…/fix', title, body });
 *
 * Errors are octokit's RequestErrors (with `status`), so callers tell a missing issue (404) from an
 * outage; 5xx and network failures have already been retried, rate limits waited out.
 */
import type { GitProvider, IssueContent, PullRequestRef } from '../../ports/git-provider';
import { createOctokit, type Octokit, type OctokitOptions } from './octokit';
import { parseRepo } from './repo-name';

export type GitHubClientOptions = OctokitOptions;

export interface RepositoryInfo {
  readonly fullName: string;
  readonly defaultBranch: string;
  /** The HTTPS clone URL (without credentials). */
  readonly cloneUrl: string;
  readonly htmlUrl: string;
  readonly private: boolean;
}

export interface EnsurePullRequestInput {
  /** `owner/name`. */
  readonly repo: string;
  /** The branch with the work (in the same repository). */
  readonly head: string;
  /** Default: the repository's default branch. */
  readonly base?: string;
  readonly title: string;
  readonly body?: string;
  readonly draft?: boolean;
}

export interface EnsuredPullRequest extends PullRequestRef {
  /** False when a pull request for the head already existed (in any state). */
  readonly created: boolean;
}

interface PullLike {
  readonly number: number;
  readonly html_url: string;
  readonly state: string;
  readonly merged_at: string | null;
}

const status = (err: unknown): number | undefined => (typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : undefined);

export class GitHubClient implements GitProvider {
  readonly octokit: Octokit;

  constructor(options: GitHubClientOptions) {
    this.octokit = createOctokit(options);
  }

  async repository(repo: string): Promise<RepositoryInfo> {
    const { owner, repo: name } = parseRepo(repo);
    const { data } = await this.octokit.rest.repos.get({ owner, repo: name });
    return { fullName: data.full_name, defaultBranch: data.default_branch, cloneUrl: data.clone_url, htmlUrl: data.html_url, private: data.private };
  }

  async defaultBranch(repo: string): Promise<string> {
    return (await this.repository(repo)).defaultBranch;
  }

  /** The pull request whose head is `branch`: the open one if any, else the most recent; null when none. */
  async findPullRequest(repo: string, branch: string): Promise<PullRequestRef | null> {
    const { owner, repo: name } = parseRepo(repo);
    const pulls = await this.octokit.paginate(this.octokit.rest.pulls.list, { owner, repo: name, head: `${owner}:${branch}`, state: 'all', per_page: 100 });
    const newestFirst = [...pulls].sort((a, b) => b.number - a.number);
    const pull = newestFirst.find((p) => p.state === 'open') ?? newestFirst[0];
    return pull ? toRef(pull) : null;
  }

  /** Commits on `branch` not on the default branch; 0 when the branch does not exist. */
  async countCommitsAhead(repo: string, branch: string): Promise<number> {
    const { owner, repo: name } = parseRepo(repo);
    const base = await this.defaultBranch(repo);
    if (branch === base) return 0;
    try {
      const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({ owner, repo: name, basehead: `${base}...${branch}`, per_page: 1 });
      return data.ahead_by;
    } catch (err) {
      if (status(err) === 404) return 0;
      throw err;
    }
  }

  async getIssue(repo: string, issueNumber: number): Promise<IssueContent> {
    const { owner, repo: name } = parseRepo(repo);
    const { data: issue } = await this.octokit.rest.issues.get({ owner, repo: name, issue_number: issueNumber });
    const comments = issue.comments === 0 ? [] : await this.octokit.paginate(this.octokit.rest.issues.listComments, { owner, repo: name, issue_number: issueNumber, per_page: 100 });
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body ?? null,
      comments: comments.map((c) => ({ author: c.user?.login ?? 'ghost', body: c.body ?? '', createdAt: c.created_at })),
    };
  }

  /**
   * The pull request for `head`, created when there is none (look before create). A creation that
   * loses a race (422 "A pull request already exists") returns the winner's pull request.
   */
  async ensurePullRequest(input: EnsurePullRequestInput): Promise<EnsuredPullRequest> {
    const existing = await this.findPullRequest(input.repo, input.head);
    if (existing) return { ...existing, created: false };
    const { owner, repo: name } = parseRepo(input.repo);
    const base = input.base ?? (await this.defaultBranch(input.repo));
    try {
      const { data } = await this.octokit.rest.pulls.create({ owner, repo: name, head: `${owner}:${input.head}`, base, title: input.title, body: input.body, draft: input.draft });
      return { ...toRef(data), created: true };
    } catch (err) {
      if (status(err) !== 422 || !/already exists/i.test(String((err as Error).message))) throw err;
      const winner = await this.findPullRequest(input.repo, input.head);
      if (!winner) throw err;
      return { ...winner, created: false };
    }
  }
}

function toRef(pull: PullLike): PullRequestRef {
  return { number: pull.number, url: pull.html_url, state: pull.state === 'closed' ? 'closed' : 'open', merged: pull.merged_at !== null };
}
