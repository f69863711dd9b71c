/** Every route of the API, in one list (the router and the OpenAPI document read it). */
import type { Route } from '../router';
import { openApiDocument } from '../openapi';
import { CREDENTIAL_ROUTES } from './credentials';
import { GITHUB_ROUTES } from './github';
import { REPO_ROUTES } from './repos';
import { TASK_ROUTES } from './tasks';
import { WEBHOOK_TASK_ROUTES } from './webhook-tasks';

const OPENAPI_ROUTE: Route = {
  method: 'GET',
  path: '/v1/openapi.json',
  auth: 'none',
  summary: 'This API, described in OpenAPI 3.1',
  handle: async (ctx) => ({ status: 200, body: openApiDocument(ALL_ROUTES, ctx.request.headers.host ? `${ctx.request.headers['x-forwarded-proto'] ?? 'http'}://${ctx.request.headers.host}` : '/') }),
};

// Fixed paths before templated ones, so POST /v1/webhooks/tasks is never read as a webhook id.
export const ALL_ROUTES: readonly Route[] = [...TASK_ROUTES, ...WEBHOOK_TASK_ROUTES, ...CREDENTIAL_ROUTES, ...REPO_ROUTES, ...GITHUB_ROUTES, OPENAPI_ROUTE];
