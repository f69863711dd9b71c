/**
 * Routes: method + path template (`/v1/tasks/{task_id}`) → handler, with the authentication each
 * needs. Handlers read path parameters through `idParam`, which answers the resource's own 404 for a
 * parameter that could not be an id (as it would for an unknown one), so no handler sees such a value.
 */
import { ApiError } from './errors';
import type { ApiRequest, ApiResponse } from './http';
import type { ApiDeps } from './deps';

/** user: an API key or a JWT; admin: a user the platform lists as administrator; none: public or signed otherwise. */
export type RouteAuth = 'user' | 'admin' | 'none';

export interface Principal {
  readonly userId: string;
  readonly via: 'api_key' | 'jwt';
  readonly keyId?: string;
}

export interface RouteContext {
  readonly request: ApiRequest;
  readonly params: Readonly<Record<string, string>>;
  /** Set for routes with auth `user` or `admin`. */
  readonly principal: Principal;
  readonly deps: ApiDeps;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly auth: RouteAuth;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  readonly handle: (ctx: RouteContext) => Promise<ApiResponse>;
}

/** Ids in paths: task ids, webhook ids, key ids. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  }

  /** The route and its parameters; 404 NOT_FOUND for an unknown path, 405 for a known path with another method. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } {
    const segments = path.replace(/\/+$/, '').split('/').slice(1);
    const allowed: string[] = [];
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, segments);
      if (!params) continue;
      if (c.route.method === method) return { route: c.route, params };
      allowed.push(c.route.method);
    }
    if (allowed.length > 0) throw new ApiError('METHOD_NOT_ALLOWED', `${method} is not supported on ${path}; use ${allowed.join(' or ')}.`, { Allow: allowed.join(', ') });
    throw new ApiError('NOT_FOUND', `No such endpoint: ${method} ${path.slice(0, 200)}. See /v1/openapi.json for the API.`);
  }
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (template.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    let a: string;
    try {
      a = decodeURIComponent(actual[i]!);
    } catch {
      return null;
    }
    if (t.startsWith('{') && t.endsWith('}')) {
      if (a === '') return null;
      params[t.slice(1, -1)] = a;
    } else if (t !== a) return null;
  }
  return params;
}

/** A path parameter that is a well-formed id, or the given 404 (an id that cannot exist is an unknown one). */
export function idParam(ctx: Pick<RouteContext, 'params'>, name: string, notFound: 'TASK_NOT_FOUND' | 'WEBHOOK_NOT_FOUND' | 'API_KEY_NOT_FOUND', what: string): string {
  const value = ctx.params[name];
  if (value === undefined || !ID.test(value)) throw new ApiError(notFound, `${what} ${JSON.stringify((value ?? '').slice(0, 140))} was not found.`);
  return value;
}
