/**
 * Lambda entry of the API Gateway REQUEST authorizer in front of every route that needs a user.
 *
 * API Gateway gives a method one authorizer, and every user route accepts either credential (as the
 * API does on one machine), so this one authorizer checks both with the API's own `authenticate`
 * (auth.ts): `X-API-Key` through services/credentials `authenticateApiKey`, or a Cognito user pool
 * token in `Authorization`. Unknown callers are refused at the edge (401) before the API function
 * runs; a known one is let through with its principal in `requestContext.authorizer`
 * (userId, via, keyId). The API function authenticates again (defence in depth: it is also the
 * local front door, and the check is cheap: its API-key cache and the JWKS are warm).
 *
 * No identity source and no result cache: with one, API Gateway would refuse requests that carry
 * the other header; a revoked key must stop working at once.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createApiKeyAuthenticator } from '../credentials/api-keys';
import { storeFromEnv } from '../cloud/ports/dynamodb';
import { readEnv, type Env } from '../cloud/env';
import { instrumented } from '../cloud/instrument';
import { createLogger } from '../kernel/logger';
import { cognitoJwt } from './jwt';
import { authenticate } from './auth';
import { ApiError } from './errors';
import type { ApiRequest } from './http';

export type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export function createAuthorizer(env: Env): Authorizer {
  const what = 'the API authorizer';
  const { userPoolId, userPoolClientId } = readEnv(env, what, ['userPoolId', 'userPoolClientId']);
  const apiKeys = createApiKeyAuthenticator(storeFromEnv(env, what), { cacheTtlSeconds: 0 });
  const deps = { credentials: { authenticateApiKey: (raw: string) => apiKeys.authenticate(raw) }, jwt: cognitoJwt(userPoolId, userPoolClientId) };
  const logger = createLogger('task-api-authorizer');

  return async (event) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(event.headers ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
    const request: ApiRequest = { method: event.httpMethod, path: event.path, headers, query: {}, rawBody: Buffer.alloc(0), requestId: event.requestContext.requestId, sourceIp: event.requestContext.identity?.sourceIp ?? null };
    try {
      const principal = await authenticate(request, deps);
      return {
        principalId: principal.userId,
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
        context: { userId: principal.userId, via: principal.via, keyId: principal.keyId ?? '' },
      };
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'UNAUTHORIZED')) throw err; // a dependency failed: 500, the client retries
      logger.info('refused', { path: event.path, reason: (err as Error).message });
      throw new Error('Unauthorized'); // API Gateway's literal for a 401
    }
  };
}

let authorizer: Authorizer | undefined;

/** Traced per invocation (services/cloud/instrument.ts). */
export const handler: Authorizer = instrumented('authorizer', (event: APIGatewayRequestAuthorizerEvent) => (authorizer ??= createAuthorizer(process.env))(event));
