/**
 * A JWT issuer for tests: a node:http server that serves a JWKS (one RSA public key with a `kid`)
 * at /.well-known/jwks.json, and RS256 signing done by hand with node:crypto
 * (base64url(header).base64url(payload).base64url(signature)), so tests can also build the tokens
 * a verifier must refuse (expired, other issuer, other key, tampered, `alg: none`).
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JwtIssuer {
  /** `http://127.0.0.1:<port>` (the tokens' `iss`). */
  readonly issuer: string;
  readonly jwksUri: string;
  /** The JWT config of the testbed: `api: { jwt: issuer.config }`. */
  readonly config: { readonly kind: 'jwks'; readonly issuer: string; readonly jwksUri: string; readonly audience: null };
  /** A valid RS256 token for `sub` (iat now, exp in an hour); `claims` and `header` override. */
  token(sub: string, options?: { readonly claims?: Record<string, unknown>; readonly header?: Record<string, unknown>; readonly key?: KeyObject }): string;
  /** The public key's PEM (for HS256-with-the-public-key confusion attempts). */
  readonly publicKeyPem: string;
  stop(): Promise<void>;
}

export const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/** header.payload.signature with RS256 under `key` (no checks: tests build bad tokens on purpose). */
export function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key);
  return `${input}.${b64url(signature)}`;
}

/** header.payload.signature with HS256 under `secret`. */
export function signHs256(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | Buffer): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
}

export function newRsaKey(): { readonly privateKey: KeyObject; readonly publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export async function startJwtIssuer(options: { readonly kid?: string } = {}): Promise<JwtIssuer> {
  const kid = options.kid ?? 'test-key-1';
  const { privateKey, publicKey } = newRsaKey();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwksUri = `${issuer}/.well-known/jwks.json`;
  return {
    issuer,
    jwksUri,
    config: { kind: 'jwks', issuer, jwksUri, audience: null },
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    token(sub, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      return signRs256({ alg: 'RS256', typ: 'JWT', kid, ...o.header }, { iss: issuer, sub, iat: now, exp: now + 3600, ...o.claims }, o.key ?? privateKey);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
