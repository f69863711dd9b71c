/**
 * JWT verification with aws-jwt-verify: Cognito user pools in AWS (`CognitoJwtVerifier`), any
 * issuer with a JWKS on one machine (`JwtVerifier`: RS256/ES256..., iss, exp, nbf and optionally
 * aud checked). The JWKS is fetched with Node's fetch, so a local issuer may serve it over plain
 * HTTP; keys are cached and re-fetched for an unknown `kid` (key rotation). user_id = `sub`.
 */
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

export type JwtIssuerConfig =
  | { readonly kind: 'cognito'; readonly userPoolId: string; readonly clientId: string | null; readonly tokenUse: 'id' | 'access' | null }
  | { readonly kind: 'jwks'; readonly issuer: string; readonly jwksUri: string; readonly audience: string | null };

export interface JwtAuthenticator {
  /** The token's subject, or null when the token is not valid (bad signature, expired, other issuer...). */
  subjectOf(token: string): Promise<string | null>;
}

const fetcher = {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`JWKS ${uri} answered ${response.status}`);
    return response.arrayBuffer();
  },
};

export function jwtAuthenticator(config: JwtIssuerConfig): JwtAuthenticator {
  const verifier =
    config.kind === 'cognito'
      ? CognitoJwtVerifier.create({ userPoolId: config.userPoolId, clientId: config.clientId, tokenUse: config.tokenUse })
      : JwtVerifier.create({ issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri }, { jwksCache: new SimpleJwksCache({ fetcher }) });
  return {
    async subjectOf(token) {
      try {
        const payload = (await verifier.verify(token as never)) as { sub?: unknown };
        return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}

/** The Cognito user pool's tokens (ID or access tokens of the platform's app client). */
export function cognitoJwt(userPoolId: string, clientId: string): JwtAuthenticator {
  return jwtAuthenticator({ kind: 'cognito', userPoolId, clientId, tokenUse: null });
}
