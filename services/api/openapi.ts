/**
 * The OpenAPI 3.1 description of the API, built from the routes (paths, methods, summaries, auth)
 * and the JSON Schemas in schemas/api (request and response bodies: OpenAPI 3.1 uses JSON Schema
 * 2020-12, so they go in as they are). Served at GET /v1/openapi.json; nothing is written by hand twice.
 */
import { SHARED_SCHEMAS } from '../../schemas/generated/registry';
import { ERROR_STATUS } from './errors';
import type { Route } from './router';

const BODY_SCHEMA: Record<string, string> = {
  'POST /v1/tasks': 'CreateTaskRequest',
  'POST /v1/webhooks/tasks': 'CreateTaskRequest',
  'POST /v1/tasks/{task_id}/nudge': 'NudgeRequest',
  'POST /v1/webhooks': 'CreateWebhookRequest',
  'POST /v1/api-keys': 'CreateApiKeyRequest',
  'POST /v1/repos': 'OnboardRepoRequest',
};

const DATA_SCHEMA: Record<string, { readonly schema: string; readonly list?: boolean }> = {
  'POST /v1/tasks': { schema: 'TaskDetail' },
  'POST /v1/webhooks/tasks': { schema: 'TaskDetail' },
  'GET /v1/tasks': { schema: 'TaskDetail', list: true },
  'GET /v1/tasks/{task_id}': { schema: 'TaskDetail' },
  'GET /v1/tasks/{task_id}/events': { schema: 'TaskEvent', list: true },
};

const SCHEMA_NAMES = ['CreateTaskRequest', 'NudgeRequest', 'CreateWebhookRequest', 'CreateApiKeyRequest', 'OnboardRepoRequest', 'TaskDetail', 'TaskEvent', 'ErrorResponse'] as const;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Strips $schema/$id so the schemas sit inside components as plain JSON Schema. */
function component(schema: object): object {
  const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function successStatus(route: Route): string {
  if (route.method === 'POST' && route.path.endsWith('/nudge')) return '202';
  if (route.method === 'POST' && !route.path.includes('/github/')) return '201';
  return '200';
}

export function openApiDocument(routes: readonly Route[], serverUrl = '/'): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } }));
    const data = DATA_SCHEMA[key];
    const dataSchema = data ? (data.list ? { type: 'array', items: ref(data.schema) } : ref(data.schema)) : { type: 'object' };
    const envelope = data?.list
      ? { type: 'object', required: ['data', 'pagination'], properties: { data: dataSchema, pagination: { type: 'object', properties: { next_token: { type: ['string', 'null'] }, has_more: { type: 'boolean' } } } } }
      : { type: 'object', required: ['data'], properties: { data: dataSchema } };
    const errors = Object.fromEntries(
      [...new Set(Object.values(ERROR_STATUS))].filter((s) => s !== 405).map((status) => [String(status), { description: `Error (${Object.entries(ERROR_STATUS).filter(([, v]) => v === status).map(([k]) => k).join(', ')})`, content: { 'application/json': { schema: ref('ErrorResponse') } } }]),
    );
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(params.length ? { parameters: params } : {}),
      ...(BODY_SCHEMA[key] ? { requestBody: { required: key !== 'POST /v1/api-keys', content: { 'application/json': { schema: ref(BODY_SCHEMA[key]!) } } } } : {}),
      ...(route.auth === 'none' ? { security: [] } : {}),
      responses: { [successStatus(route)]: { description: 'Success', content: { 'application/json': { schema: envelope } } }, ...errors },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ABCA task API', version: '1.0.0', description: 'Autonomous background coding agents: submit tasks, follow them, get pull requests.' },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }, { jwt: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'bgak_<key_id>_<secret>' },
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: Object.fromEntries(SCHEMA_NAMES.map((n) => [n, component(SHARED_SCHEMAS[n])])),
    },
  };
}
