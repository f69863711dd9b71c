/**
 * Octokit for GitHub and for the local forge alike: @octokit/rest with the retry plugin (5xx and
 * network failures retried with a growing backoff) and the throttling plugin (GitHub's pacing of
 * writes; rate-limited requests waited out and retried). Only `baseUrl` differs between GitHub and
 * the forge.
 *
 * @octokit/rest and its plugins are ESM-only; they are loaded with `require` on first use (Node
 * 20.19+ can require ES modules; under jest, jest.config.js has esbuild turn them into CommonJS),
 * so importing this module costs nothing until a client is made.
 */
import type { Octokit as OctokitRest } from '@octokit/rest';

export type Octokit = OctokitRest;

const GITHUB_API_URL = 'https://api.github.com';

export interface OctokitOptions {
  readonly token: string;
  /** REST API base: GitHub's (default) or the local forge's `apiUrl`. */
  readonly baseUrl?: string;
  /** Default `abca`. */
  readonly userAgent?: string;
  /** Retries of a request failing with a 5xx or a network error (default 3). */
  readonly retries?: number;
  /**
   * The unit of every wait, in ms (default 1000): a failed request is retried after n² units, a
   * rate-limited one after the `retry-after` (or reset) seconds, counted in units. Tests shrink it.
   */
  readonly waitUnitMs?: number;
  /** How often a rate-limited request is retried (default 2). */
  readonly rateLimitRetries?: number;
  /** A rate limit whose wait is longer than this (in units, default 120) fails at once instead. */
  readonly maxRateLimitWait?: number;
  /**
   * Clients of one pacing group share GitHub's pacing of writes (one at a time, ≥ 1 s apart; 3 s
   * for those that notify people, such as creating issues and pull requests). Default: one group
   * for every client of the process.
   */
  readonly pacingGroup?: string;
  /** Where retries and rate limits are reported (default: nowhere). */
  readonly log?: { warn(message: string, details?: Record<string, unknown>): void };
}

type RateLimitHandler = (retryAfter: number, options: { method: string; url: string }, octokit: unknown, retryCount: number) => boolean;

interface OctokitModules {
  readonly Octokit: typeof OctokitRest;
}

let modules: OctokitModules | undefined;

function load(): OctokitModules {
  if (!modules) {
    const { Octokit } = require('@octokit/rest') as typeof import('@octokit/rest');
    const { retry } = require('@octokit/plugin-retry') as typeof import('@octokit/plugin-retry');
    const { throttling } = require('@octokit/plugin-throttling') as typeof import('@octokit/plugin-throttling');
    modules = { Octokit: Octokit.plugin(retry, throttling) as unknown as typeof OctokitRest };
  }
  return modules;
}

export function createOctokit(options: OctokitOptions): Octokit {
  const { Octokit } = load();
  const unit = options.waitUnitMs ?? 1000;
  const maxRetries = options.rateLimitRetries ?? 2;
  const maxWait = options.maxRateLimitWait ?? 120;
  const noop = () => undefined;
  const onLimit =
    (kind: string): RateLimitHandler =>
    (retryAfter, request, _octokit, retryCount) => {
      const retrying = retryCount < maxRetries && retryAfter <= maxWait;
      options.log?.warn(`GitHub ${kind} rate limit`, { method: request.method, url: request.url, retryAfter, retryCount, retrying });
      return retrying;
    };
  return new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? GITHUB_API_URL).replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'abca',
    // octokit logs every failed request at `error`; the caller gets the error itself, so only warnings (deprecations) pass.
    log: { debug: noop, info: noop, warn: (message: string) => options.log?.warn(message), error: noop },
    // 429 is left to the throttling plugin, which waits as long as `retry-after` says.
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: unit, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: { id: options.pacingGroup ?? 'abca', retryAfterBaseValue: unit, onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
  } as ConstructorParameters<typeof OctokitRest>[0]);
}
