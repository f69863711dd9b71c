/**
 * HTTP helpers of the forge's REST API: JSON responses, GitHub's error shapes
 * (`{ message, documentation_url, status }`, plus `errors` for 422 Validation Failed), request
 * bodies, and page-based pagination with a `Link` header as octokit's paginate() reads it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const DOCS = 'https://docs.github.com/rest';

export interface ValidationErrorItem {
  readonly resource: string;
  readonly code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  readonly field?: string;
  readonly message?: string;
}

/** An error the API answers with its status and GitHub's JSON shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: readonly ValidationErrorItem[],
    readonly documentationUrl = DOCS,
  ) {
    super(message);
  }
}

export const notFound = (documentationUrl = DOCS) => new ApiError(404, 'Not Found', undefined, documentationUrl);
export const validationFailed = (errors: readonly ValidationErrorItem[], documentationUrl = DOCS, message = 'Validation Failed') =>
  new ApiError(422, message, errors, documentationUrl);

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError, headers: Record<string, string> = {}): void {
  const body: Record<string, unknown> = { message: err.message };
  if (err.errors) body.errors = err.errors;
  body.documentation_url = err.documentationUrl;
  body.status = String(err.status);
  sendJson(res, err.status, body, headers);
}

const MAX_BODY = 1024 * 1024;

/** The request's JSON body ({} when empty); 400 "Problems parsing JSON" when it is not an object. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError(413, 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'Problems parsing JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ApiError(400, 'Body should be a JSON object');
  return value as Record<string, unknown>;
}

/** One page of `items` (`page`, `per_page` ≤ 100, default 30) and the `Link` header for the others. */
export function paginate<T>(url: URL, items: readonly T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const u = new URL(url.href);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return { page: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
}

/** A string field of a request body: undefined when absent, 422 when of another type. */
export function optionalString(body: Record<string, unknown>, field: string, resource: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationFailed([{ resource, field, code: 'invalid' }]);
  return value;
}

export function requiredString(body: Record<string, unknown>, field: string, resource: string): string {
  const value = optionalString(body, field, resource);
  if (value === undefined || value === '') throw validationFailed([{ resource, field, code: 'missing_field' }]);
  return value;
}
