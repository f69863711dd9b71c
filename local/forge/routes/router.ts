/**
 * The REST API's route table: `METHOD /path/:param` patterns (`:param*` takes the rest of the
 * path, for branch names with slashes), matched on the raw path so that an encoded `/` (%2F, as
 * octokit sends it inside a parameter) stays inside its parameter; parameters are then decoded.
 */
import type { Forge } from '../forge';
import type { UserRecord } from '../model';

export interface RouteContext {
  readonly forge: Forge;
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
  /** The authenticated user. */
  readonly user: UserRecord;
  /** The JSON body ({} when empty). */
  body(): Promise<Record<string, unknown>>;
}

interface ApiResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export type Handler = (ctx: RouteContext) => Promise<ApiResult> | ApiResult;

export interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly handler: Handler;
}

export const route = (method: string, pattern: string, handler: Handler): Route => ({ method, pattern, handler });

export type RouteMatch = { readonly route: Route; readonly params: Record<string, string> };

/** The route for this method and path, if any (GitHub answers 404 for anything else). */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch | undefined {
  const segments = pathname.replace(/\/+$/, '').split('/').slice(1);
  for (const r of routes) {
    if (r.method !== method) continue;
    const params = matchPattern(r.pattern, segments);
    if (params) return { route: r, params };
  }
  return undefined;
}

function matchPattern(pattern: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.startsWith(':') && part.endsWith('*')) {
      const rest = segments.slice(i);
      if (!rest.length || rest.some((s) => s === '')) return undefined;
      params[part.slice(1, -1)] = decode(rest.join('/'));
      return params;
    }
    const segment = segments[i];
    if (segment === undefined || segment === '') return undefined;
    if (part.startsWith(':')) params[part.slice(1)] = decode(segment);
    else if (part !== segment) return undefined;
  }
  return segments.length === parts.length ? params : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
