/**
 * The API's view of an HTTP request and response, independent of how it arrived: API Gateway's
 * proxy event (Lambda) or the local HTTP server (local/api), which builds the same proxy event.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApiError } from './errors';

/** Request bodies are limited to 1 MB (docs/API.md). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiRequest {
  readonly method: string;
  /** The path without query, e.g. /v1/tasks/01J... */
  readonly path: string;
  /** Header names lower-cased; the last value wins. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The raw body (webhook signatures are over these exact bytes). */
  readonly rawBody: Buffer;
  readonly requestId: string;
  /** The caller's address (rate limits and logs). */
  readonly sourceIp: string | null;
}

export function requestFromProxyEvent(event: APIGatewayProxyEvent, requestId: string): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (typeof value === 'string') query[name] = value;
  const body = event.body ?? '';
  const rawBody = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  return { method: event.httpMethod.toUpperCase(), path: event.path, headers, query, rawBody, requestId, sourceIp: event.requestContext?.identity?.sourceIp ?? null };
}

/** The body as JSON: an object, or ApiError VALIDATION_ERROR / PAYLOAD_TOO_LARGE naming the problem. */
export function jsonBody(request: ApiRequest): Record<string, unknown> {
  if (request.rawBody.length > MAX_BODY_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE', `The request body is ${request.rawBody.length} bytes; at most ${MAX_BODY_BYTES} bytes (1 MB) are accepted.`);
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new ApiError('VALIDATION_ERROR', `Content-Type must be application/json (got ${JSON.stringify(type.slice(0, 100))}).`);
  }
  const text = request.rawBody.toString('utf8');
  if (text.trim() === '') throw new ApiError('VALIDATION_ERROR', 'The request body is empty; send a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError('VALIDATION_ERROR', `The request body is not valid JSON: ${(err as Error).message}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('VALIDATION_ERROR', 'The request body must be a JSON object.');
  // DynamoDB stores UTF-8: a lone surrogate (`"\ud800"`) could not be stored, so refuse it here.
  if (hasLoneSurrogate(value)) throw new ApiError('VALIDATION_ERROR', 'The request body contains text that is not valid Unicode (a lone UTF-16 surrogate); send well-formed text.');
  return value as Record<string, unknown>;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasLoneSurrogate(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (depth > 64 || typeof value !== 'object' || value === null) return false;
  for (const [k, v] of Object.entries(value)) if (LONE_SURROGATE.test(k) || hasLoneSurrogate(v, depth + 1)) return true;
  return false;
}

export interface ApiResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function toProxyResult(response: ApiResponse, requestId: string): APIGatewayProxyResult {
  return {
    statusCode: response.status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'X-Request-Id': requestId,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...response.headers,
    },
    body: response.body === undefined ? '' : JSON.stringify(response.body),
  };
}

export function errorBody(code: string, message: string, requestId: string) {
  return { error: { code, message, request_id: requestId } };
}
