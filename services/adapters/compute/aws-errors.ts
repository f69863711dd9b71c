/**
 * AWS SDK errors of a compute start → ComputeStartError with an explicit `retryable`.
 *
 *   retryable      throttling (ThrottlingException, TooManyRequests…), anything the SDK marks
 *                  `$retryable`, server faults (5xx: InternalServerException, ServerException),
 *                  quota exhaustion (ServiceQuotaExceededException, LimitExceededException: sessions
 *                  end and free the quota), and errors without an HTTP response (network, timeouts)
 *   not retryable  every other client fault: validation, access denied, missing resource,
 *                  ClientException, InvalidParameterException, ConflictException…
 *
 * The SDK has already retried throttling and 5xx answers (its default retry strategy) before the
 * error reaches us; `retryable` tells the session service whether the start message should go back
 * to the queue (transient) or the task should fail (SESSION_START_FAILED).
 */
import { ComputeStartError } from '../../tasks/session/compute-errors';

const THROTTLING = /throttl|toomanyrequests|requestlimitexceeded|slowdown|provisionedthroughputexceeded/i;
const QUOTA = /^(ServiceQuotaExceededException|LimitExceededException)$/;

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function isRetryableAwsError(err: unknown): boolean {
  if (err instanceof ComputeStartError) return err.retryable;
  if (err === null || typeof err !== 'object') return true;
  const e = err as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  if (e.$retryable) return true;
  if (THROTTLING.test(name) || QUOTA.test(name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault === 'server' || (typeof status === 'number' && (status >= 500 || status === 429))) return true;
  if (e.$fault === 'client' || (typeof status === 'number' && status >= 400)) return false;
  // No answer from the service at all (connection refused, reset, timeout): transient.
  return true;
}

/** Wraps an SDK error of `operation` as a ComputeStartError (the original stays as `cause`). */
export function computeStartErrorFrom(err: unknown, operation: string): ComputeStartError {
  if (err instanceof ComputeStartError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const wrapped = new ComputeStartError(`${operation} failed (${name}): ${message}`, isRetryableAwsError(err));
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}

/** Whether an SDK error says the thing is already gone (stopping it again is a no-op). */
export function isNotFoundError(err: unknown): boolean {
  const name = (err as SdkErrorShape | null)?.name;
  return name === 'ResourceNotFoundException' || name === 'NotFoundException';
}
