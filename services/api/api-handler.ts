/**
 * The REST API as one Lambda handler over API Gateway proxy requests (docs/API.md). On one machine the
 * local HTTP server (local/api) turns real requests into the same proxy events.
 *
 * Per request: a request id (ULID, `X-Request-Id` on every response, `request_id` in errors), the
 * route, authentication, the per-user rate limit, the handler; errors become the error envelope.
 * A request that is refused writes nothing to the event store: every check runs before a command.
 * One structured access log line per request (method, route, status, duration, user, task id).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ulid } from 'ulid';
import { authenticate } from './auth';
import type { ApiDeps } from './deps';
import { ApiError, toApiError } from './errors';
import { errorBody, requestFromProxyEvent, toProxyResult, type ApiResponse } from './http';
import { Router, type Principal, type Route } from './router';
import { ALL_ROUTES } from './routes';

export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const NOBODY: Principal = { userId: '', via: 'api_key' };

export function createApiHandler(deps: ApiDeps, routes: readonly Route[] = ALL_ROUTES): ApiHandler {
  const router = new Router(routes);
  return async (event) => {
    const requestId = ulid();
    const started = Date.now();
    let route: Route | undefined;
    let principal: Principal | undefined;
    let response: ApiResponse;
    let params: Record<string, string> = {};
    try {
      const request = requestFromProxyEvent(event, requestId);
      ({ route, params } = router.match(request.method, request.path));
      if (route.auth !== 'none') {
        principal = await authenticate(request, deps);
        await deps.rateLimiter.take(principal.userId, deps.now());
        if (route.auth === 'admin' && !deps.admins.has(principal.userId)) {
          throw new ApiError('FORBIDDEN', 'Only platform administrators may do this (onboarding is infrastructure: the Blueprint construct in the cloud).');
        }
      }
      response = await route.handle({ request, params, principal: principal ?? NOBODY, deps });
    } catch (err) {
      response = errorResponse(err, requestId, deps, { method: event.httpMethod, path: event.path });
    }
    deps.logger.info('request', {
      requestId,
      correlationId: params.task_id ?? requestId,
      method: event.httpMethod,
      route: route?.path ?? null,
      status: response.status,
      durationMs: Date.now() - started,
      userId: principal?.userId ?? null,
      ...(params.task_id ? { taskId: params.task_id } : {}),
    });
    return toProxyResult(response, requestId);
  };
}

/** Failures of a dependency (DynamoDB throttled or unreachable) that the client may retry. */
function isTransient(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; cause?: { code?: string } };
  return (
    e?.$retryable !== undefined ||
    ['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalServerError', 'TimeoutError'].includes(e?.name ?? '') ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(e?.code ?? e?.cause?.code ?? '')
  );
}

function errorResponse(err: unknown, requestId: string, deps: ApiDeps, where: { method: string; path: string }): ApiResponse {
  const known = toApiError(err);
  if (known) return { status: known.status, body: errorBody(known.code, known.message, requestId), headers: known.headers };
  if (isTransient(err)) {
    deps.logger.warn('dependency unavailable', { requestId, ...where, error: (err as Error)?.message });
    return { status: 503, body: errorBody('SERVICE_UNAVAILABLE', 'The platform is busy or a dependency is unavailable; retry shortly.', requestId), headers: { 'Retry-After': '1' } };
  }
  deps.logger.error('unhandled error', { requestId, ...where, error: err as Error });
  return { status: 500, body: errorBody('INTERNAL_ERROR', `Something went wrong on our side. Report the request id ${requestId} if it keeps happening.`, requestId) };
}
