/**
 * Lambda entry of the REST API (API Gateway proxy integration): the API's deps are built on the
 * first request of an execution environment and kept; its secrets (the page-token key, GitHub's
 * webhook secret) are read from Secrets Manager when used, cached for their max age.
 * Authentication runs again here after the authorizer (defence in depth; see authorizer.ts).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiDepsFromEnv } from '../cloud/deps-from-env';
import { instrumented } from '../cloud/instrument';
import { createApiHandler, type ApiHandler } from './api-handler';

let api: Promise<ApiHandler> | undefined;

/** Traced per invocation (services/cloud/instrument.ts). */
export const handler = instrumented('task-api', async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  if (!api) {
    api = apiDepsFromEnv(process.env).then((deps) => createApiHandler(deps));
    api.catch(() => (api = undefined)); // a failed start is retried by the next request
  }
  return (await api)(event);
});
