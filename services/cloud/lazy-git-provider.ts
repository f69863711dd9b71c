/**
 * The GitHub provider of a Lambda function, whose token lives in Secrets Manager. The token is read
 * on every call through the function's secret reader (services/adapters/secrets/
 * secrets-manager-reader.ts: cached for its max age, so a warm call costs no Secrets Manager call),
 * and a client is made for each token value: a rotated token is used from the first call after the
 * max age, without a cold start. Most services never call GitHub, and then never read the token.
 *
 * When GitHub refuses the token (401: rotated and the old one revoked before the max age ran out),
 * the token is read again with a forced fetch and the call retried once with the new one.
 */
import { GitHubClient } from '../adapters/git/octokit-git-provider';
import type { SecretReadOptions } from '../adapters/secrets/secrets-manager-reader';
import type { GitProvider } from '../ports/git-provider';

/** The current token (cached by the reader); `{ forceFetch: true }` after a refusal. */
export type TokenSource = (options?: SecretReadOptions) => Promise<string>;

const statusOf = (err: unknown): number | undefined => (typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : undefined);

export class LazyGitProvider implements GitProvider {
  private current: { readonly token: string; readonly client: GitProvider } | undefined;

  constructor(
    private readonly token: TokenSource,
    private readonly make: (token: string) => GitProvider,
  ) {}

  /** GitHub (or GitHub Enterprise at `baseUrl`) with the token from `token()`. */
  static github(token: TokenSource, baseUrl?: string): LazyGitProvider {
    return new LazyGitProvider(token, (value) => new GitHubClient({ token: value, ...(baseUrl ? { baseUrl } : {}) }));
  }

  findPullRequest(repo: string, branch: string) {
    return this.call((c) => c.findPullRequest(repo, branch));
  }

  countCommitsAhead(repo: string, branch: string) {
    return this.call((c) => c.countCommitsAhead(repo, branch));
  }

  getIssue(repo: string, issueNumber: number) {
    return this.call((c) => c.getIssue(repo, issueNumber));
  }

  private async call<T>(run: (client: GitProvider) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      return await run(client);
    } catch (err) {
      if (statusOf(err) !== 401) throw err;
      const fresh = await this.client({ forceFetch: true });
      if (fresh === client) throw err; // the same token: not a rotation
      return run(fresh);
    }
  }

  private async client(options?: SecretReadOptions): Promise<GitProvider> {
    const token = await this.token(options);
    if (this.current?.token !== token) this.current = { token, client: this.make(token) };
    return this.current.client;
  }
}
