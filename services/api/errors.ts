/**
 * The API's errors: a stable code, its HTTP status and a message that says what to fix. Handlers
 * throw ApiError; DomainErrors of the deciders are mapped here, so a code is spelled once. Anything
 * else becomes 500 INTERNAL_ERROR with a message that hides the cause (it is logged with the request id).
 */
import { isDomainError } from '../kernel/errors';

export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DUPLICATE_TASK: 409,
  TASK_ALREADY_TERMINAL: 409,
  TASK_FINALIZING: 409,
  WEBHOOK_ALREADY_REVOKED: 409,
  API_KEY_ALREADY_REVOKED: 409,
  PAYLOAD_TOO_LARGE: 413,
  REPO_NOT_ONBOARDED: 422,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  GITHUB_UNREACHABLE: 502,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ApiErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers (Retry-After, Allow). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

/** Domain codes the API passes through as they are (same name, status from ERROR_STATUS). */
const PASS_THROUGH = new Set<string>(['TASK_NOT_FOUND', 'REPO_NOT_ONBOARDED', 'VALIDATION_ERROR', 'TASK_ALREADY_TERMINAL', 'TASK_FINALIZING', 'WEBHOOK_NOT_FOUND', 'WEBHOOK_ALREADY_REVOKED', 'API_KEY_NOT_FOUND', 'API_KEY_ALREADY_REVOKED']);

/** The ApiError for a thrown value, or null when it is not one the API can name (→ 500). */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (isDomainError(err) && PASS_THROUGH.has(err.code)) return new ApiError(err.code as ApiErrorCode, err.message);
  // A command that does not apply to the task's status (e.g. a nudge while it is being finalized).
  if (isDomainError(err, 'INVALID_TRANSITION')) return new ApiError('TASK_ALREADY_TERMINAL', err.message);
  return null;
}
