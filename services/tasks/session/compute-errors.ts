/**
 * How the session service tells a compute start that will never work (the task fails,
 * SESSION_START_FAILED) from one worth retrying (the message goes back to the queue).
 *
 * Compute adapters throw ComputeStartError with an explicit `retryable`. Other errors are judged by
 * what they carry: `retryable: false` (or `permanent: true`) is permanent; an AWS SDK client fault
 * (`$fault: 'client'`: validation, access denied, missing resource) that the SDK does not mark as
 * retryable (throttling is) is permanent; anything else (network, 5xx, timeouts) is transient.
 */
export class ComputeStartError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ComputeStartError';
  }
}

export function isPermanentStartError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { retryable?: unknown; permanent?: unknown; $fault?: unknown; $retryable?: unknown };
  if (typeof e.retryable === 'boolean') return !e.retryable;
  if (e.permanent === true) return true;
  if (e.$fault === 'client' && !e.$retryable) return true;
  return false;
}
