/**
 * Secrets read at run time from Secrets Manager by ARN: by the Lambda functions (the GitHub token,
 * the API's page-token key and GitHub's webhook secret; services/cloud/) and by the agent on
 * AgentCore (its git token; agent/wiring.ts, so the agent image copies this file).
 *
 * Through Powertools Parameters' SecretsProvider, which keeps each value for a max age: a warm
 * invocation costs no call, and a rotated secret is picked up by the next read after the max age
 * — no cold start needed. The max age is `maxAgeSeconds`, else POWERTOOLS_PARAMETERS_MAX_AGE
 * (Powertools' own variable, which the CDK app sets), else 300 s (Powertools' own default, 5 s,
 * would call Secrets Manager on most invocations).
 *
 *   const read = cachedSecretReader();
 *   const token = await read(arn);                        // cached for the max age
 *   const fresh = await read(arn, { forceFetch: true }); // after a refusal (GitHub's 401, a bad signature)
 *
 * A forced read is a fetch at most once per `minForceIntervalSeconds` (default 30) and secret, so
 * callers that force one after every refusal (which a stranger can provoke) cannot flood Secrets
 * Manager; otherwise it is a plain read. Concurrent reads of a secret share one fetch. A failed
 * fetch is not cached (the next read tries again) and fails with the SDK's own error.
 */
import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretReadOptions {
  /** Skip the cache: a value was refused, the secret may have been rotated. Rate-limited (see above). */
  readonly forceFetch?: boolean;
}

export type SecretReader = (secretArn: string, options?: SecretReadOptions) => Promise<string>;

export const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;
const DEFAULT_MIN_FORCE_INTERVAL_SECONDS = 30;
/** Powertools' variable for the max age of cached parameters and secrets, in seconds. */
export const SECRET_MAX_AGE_ENV = 'POWERTOOLS_PARAMETERS_MAX_AGE';

/** The max age from the environment (POWERTOOLS_PARAMETERS_MAX_AGE), default 300 s; a value that is not a number of seconds ≥ 0 is refused. */
export function secretMaxAgeSeconds(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[SECRET_MAX_AGE_ENV]?.trim();
  if (!raw) return DEFAULT_SECRET_MAX_AGE_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`${SECRET_MAX_AGE_ENV}=${JSON.stringify(raw)}: set it to a whole number of seconds (0: no caching)`);
  return seconds;
}

export interface SecretReaderOptions {
  /** The SDK client (region, endpoint, credentials); default one in AWS_REGION with the default credentials. */
  readonly client?: SecretsManagerClient;
  /** Default: secretMaxAgeSeconds(). */
  readonly maxAgeSeconds?: number;
  /** Default 30. */
  readonly minForceIntervalSeconds?: number;
  /** Epoch ms, for the forced-read limit (tests). */
  readonly now?: () => number;
}

/** One reader per process (or per client): each secret is fetched once per max age. */
export function cachedSecretReader(options: SecretReaderOptions = {}): SecretReader {
  const provider = new SecretsProvider(options.client ? { awsSdkV3Client: options.client } : {});
  const maxAge = options.maxAgeSeconds ?? secretMaxAgeSeconds();
  const minForceMs = (options.minForceIntervalSeconds ?? DEFAULT_MIN_FORCE_INTERVAL_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const pending = new Map<string, Promise<string>>();
  const lastForced = new Map<string, number>();

  const fetch = async (secretArn: string, forceFetch: boolean): Promise<string> => {
    let value: string | Uint8Array | undefined;
    try {
      value = await provider.get(secretArn, { maxAge, forceFetch });
    } catch (err) {
      // Powertools wraps the SDK's error; callers (and their logs) want the service's own.
      throw err instanceof GetParameterError && err.cause instanceof Error ? err.cause : err;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (!text) throw new Error(`the secret ${secretArn} has no string value; store the value as plain text`);
    return text;
  };

  return (secretArn, { forceFetch = false } = {}) => {
    const inFlight = pending.get(secretArn);
    if (inFlight) return inFlight; // a fetch under way is as fresh as a forced one
    let force = false;
    if (forceFetch) {
      const last = lastForced.get(secretArn);
      force = last === undefined || now() - last >= minForceMs;
      if (force) lastForced.set(secretArn, now());
    }
    const value = fetch(secretArn, force).finally(() => pending.delete(secretArn));
    pending.set(secretArn, value);
    return value;
  };
}
