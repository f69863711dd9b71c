/**
 * Token authentication as GitHub accepts it: `Authorization: token <t>` or `Bearer <t>` (the REST
 * API, octokit) and HTTP basic with the token as password (`x-access-token:<t>`, any user name) or
 * as user name (`<t>:x-oauth-basic` or an empty password), which is what git sends for a clone URL
 * `http://x-access-token:<t>@host/owner/name.git`.
 */
import type { IncomingMessage } from 'node:http';
import type { ForgeUser } from './model';

/** Resolves a token to the user it acts as; undefined rejects it. */
export type TokenResolver = (token: string) => ForgeUser | undefined;

/** The user every token of a plain token list acts as. */
const DEFAULT_USER: ForgeUser = { login: 'abca-agent', type: 'User' };

export function tokenResolver(tokens: readonly string[] | TokenResolver, user: ForgeUser = DEFAULT_USER): TokenResolver {
  if (typeof tokens === 'function') return tokens;
  const valid = new Set(tokens.filter((t) => t.length > 0));
  return (token) => (valid.has(token) ? user : undefined);
}

/** The token a request presents, or undefined when it presents none. */
function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'token':
    case 'bearer':
      return value || undefined;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? '' : decoded.slice(colon + 1);
      const token = password && password !== 'x-oauth-basic' ? password : user;
      return token || undefined;
    }
    default:
      return undefined;
  }
}

export type AuthResult = { readonly ok: true; readonly user: ForgeUser } | { readonly ok: false; readonly message: 'Requires authentication' | 'Bad credentials' };

export function authenticate(req: IncomingMessage, resolve: TokenResolver): AuthResult {
  const token = presentedToken(req);
  if (token === undefined) return { ok: false, message: 'Requires authentication' };
  const user = resolve(token);
  return user ? { ok: true, user } : { ok: false, message: 'Bad credentials' };
}
