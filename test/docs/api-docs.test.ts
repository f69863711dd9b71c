/**
 * docs/API.md is generated from the OpenAPI document the API serves (scripts/api-docs.ts). This
 * fails when the committed file differs from a fresh generation: a route, a query parameter, a
 * schema or an error code changed without `npm run docs:api`.
 */
import { readFileSync } from 'node:fs';
import { ApiError } from '../../services/api/errors';
import type { Route } from '../../services/api/router';
import { openApiDocument } from '../../services/api/openapi';
import { ALL_ROUTES } from '../../services/api/routes';
import { assertUpToDate } from '../../scripts/generated-doc';
import { API_DOC, API_DOCS_PATH, queryParamsOf, renderApiDocs, servedOpenApiDocument } from '../../scripts/api-docs';

describe('docs/API.md', () => {
  it('is what `npm run docs:api` generates from the OpenAPI document the API serves', async () => {
    const fresh = await renderApiDocs();
    assertUpToDate(API_DOC, readFileSync(API_DOCS_PATH, 'utf8'), fresh);
  });

  it('documents every route of the route table, under its own heading', async () => {
    const committed = readFileSync(API_DOCS_PATH, 'utf8');
    const doc = await servedOpenApiDocument();
    for (const route of ALL_ROUTES) {
      expect(committed).toContain(`\n### ${route.method} ${route.path}\n`);
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
    }
  });

  it('reads query parameters from the handlers themselves', async () => {
    const route = (method: string, path: string) => ALL_ROUTES.find((r) => r.method === method && r.path === path)!;
    await expect(queryParamsOf(route('GET', '/v1/tasks'))).resolves.toEqual({ names: ['status', 'repo', 'limit', 'next_token'], limitMax: 100 });
    await expect(queryParamsOf(route('GET', '/v1/tasks/{task_id}'))).resolves.toEqual({ names: [] });
    await expect(queryParamsOf(route('GET', '/v1/tasks/{task_id}/progress'))).resolves.toEqual({ names: ['after', 'limit'], limitMax: 1000 });
  });

  /** The route table with one route replaced, serving its own OpenAPI document. */
  function tableWith(original: Route, replacement: Route): Route[] {
    const routes: Route[] = ALL_ROUTES.map((r) => (r === original ? replacement : r.path === '/v1/openapi.json' ? { ...r, handle: async () => ({ status: 200, body: openApiDocument(routes) }) } : r));
    return routes;
  }

  it('fails the generation when a route has no prose, or takes a query parameter nobody described', async () => {
    const noted = ALL_ROUTES.find((r) => r.method === 'GET' && r.path === '/v1/repos')!;
    await expect(renderApiDocs(tableWith(noted, { ...noted, path: '/v1/repositories' }))).rejects.toThrow(/GET \/v1\/repositories has no prose/);

    const withParam: Route = {
      ...noted,
      handle: async (ctx) => {
        const unknown = Object.keys(ctx.request.query).filter((k) => k !== 'owner');
        if (unknown.length) throw new ApiError('VALIDATION_ERROR', `Unknown query parameter "${unknown[0]}"; this endpoint takes owner.`);
        return { status: 200, body: { data: [] } };
      },
    };
    await expect(renderApiDocs(tableWith(noted, withParam))).rejects.toThrow(/accepts the query parameter "owner"/);
  });
});
