/**
 * Who is calling: an API key (`X-API-Key: bgak_<id>_<secret>`) or a JWT (`Authorization: <JWT>` or
 * `Authorization: Bearer <JWT>`). Missing or bad credentials → 401 UNAUTHORIZED with a message
 * that says which header to send; the message never says whether a key id exists.
 */
import type { ApiDeps, CredentialsPort } from './deps';
import { ApiError } from './errors';
import type { ApiRequest } from './http';
import type { Principal } from './router';

/** Only the API-key check of the credentials is needed (the API authorizer has nothing else). */
export type AuthDeps = Pick<ApiDeps, 'jwt'> & { readonly credentials: Pick<CredentialsPort, 'authenticateApiKey'> };

export async function authenticate(request: ApiRequest, deps: AuthDeps): Promise<Principal> {
  const apiKey = request.headers['x-api-key'];
  if (apiKey !== undefined) {
    const found = apiKey.length <= 256 ? await deps.credentials.authenticateApiKey(apiKey.trim()) : null;
    if (!found) throw new ApiError('UNAUTHORIZED', 'The API key is not valid: it is mistyped or revoked. Create a new one with `bgagent api-key create`.');
    return { userId: found.userId, via: 'api_key', keyId: found.keyId };
  }
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    if (!deps.jwt) throw new ApiError('UNAUTHORIZED', 'This platform does not accept JWTs; send an API key in X-API-Key.');
    const subject = token.length > 0 && token.length <= 8192 ? await deps.jwt.subjectOf(token) : null;
    if (!subject) throw new ApiError('UNAUTHORIZED', 'The token is not valid (bad signature, expired, or from another issuer); sign in again.');
    return { userId: subject, via: 'jwt' };
  }
  throw new ApiError('UNAUTHORIZED', 'Missing credentials: send X-API-Key: bgak_<key_id>_<secret>, or Authorization: Bearer <JWT>.');
}
