/**
 * API keys (stream `ApiKey#<keyId>`), as the REST API uses them: create (the key is shown once),
 * authenticate (every request with `X-API-Key`), revoke, list.
 *
 * Key format: `bgak_<keyId>_<secret>`
 *   - `bgak_`   fixed prefix (recognisable in logs and by secret scanners);
 *   - keyId     16 lowercase hex characters (8 bytes from crypto.randomBytes): the public id, the
 *               stream id, what lists show and DELETE /v1/api-keys/{id} takes. It never contains `_`
 *               (ids are `[a-z0-9]{8,64}`), so a key splits unambiguously at its first two `_`;
 *   - secret    32 bytes from crypto.randomBytes, base64url without padding (43 characters of
 *               `A-Z a-z 0-9 - _`; it may itself contain `_`, which is why only the first two
 *               underscores separate the parts).
 *   e.g. `bgak_3f9c2a7d1e0b4c58_q8mJ2...` (5 + 16 + 1 + 43 = 65 characters).
 * Only `secretHash` = lowercase hex SHA-256 of the secret's text (the 43 characters, UTF-8) is
 * stored, in ApiKeyCreated. Hashing the text (not the decoded bytes) means that any other string,
 * even one that base64url-decodes to the same bytes, is a different secret. The key itself is
 * never stored, logged or put in an event; createApiKey returns it once.
 *
 * Authentication folds the key's stream (a strongly consistent read) and compares hashes in
 * constant time (crypto.timingSafeEqual). Malformed input of any kind yields null, never an
 * error; errors of the event store itself (DynamoDB unreachable) do propagate (→ 5xx, not 401).
 *
 * Cache: `createApiKeyAuthenticator(store, { cacheTtlSeconds })` keeps positive results in process
 * memory for that long (default 0: no cache, every request reads the stream). Only successes are
 * cached, under the SHA-256 of the whole key (the key itself is not kept). A revoked key therefore
 * keeps working for at most `cacheTtlSeconds` in a process that had just authenticated it (in every
 * Lambda instance in AWS); `forget(keyId)` drops it at once in the process that revoked it.
 *
 * Lists come from the credentials view (eventually consistent: a new key shows within about a
 * second, well under one on the embedded platform); see projections/credentials-view.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialView, CredentialsViewStore, Page } from '../../projections/credentials-view/credentials-view';
import { handleCommand } from '../kernel/command-handler';
import { loadAggregate } from '../kernel/load-aggregate';
import type { EventStore } from '../kernel/event-store';
import { DomainError } from '../kernel/errors';
import { apiKeyStream } from '../streams';
import { apiKeyDecider, checkCreateApiKey, type ApiKeyErrorCode, type CreateApiKey } from './api-key-decider';
import { isCredentialId, newCredentialId } from './common';
import { commandContext, type CredentialsContext } from './context';

const API_KEY_PREFIX = 'bgak_';
/** `bgak_<keyId>_<secret>`: keyId without `_`, secret 32 bytes base64url (43 characters). */
const API_KEY = /^bgak_([a-z0-9]{8,64})_([A-Za-z0-9_-]{43})$/;
const MAX_KEY_LENGTH = API_KEY_PREFIX.length + 64 + 1 + 43;

export interface ApiKeyPrincipal {
  readonly userId: string;
  readonly keyId: string;
}

export interface CreatedApiKey {
  readonly keyId: string;
  /** The whole key, `bgak_<keyId>_<secret>`: shown to the user once, stored nowhere. */
  readonly key: string;
  readonly name: string;
  readonly createdAt: string;
}

/** An item of GET /v1/api-keys (and GET /v1/webhooks). */
export interface CredentialSummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

// ── format ──────────────────────────────────────────────────────────────────────────────────────

export function formatApiKey(keyId: string, secret: string): string {
  return `${API_KEY_PREFIX}${keyId}_${secret}`;
}

/** The parts of a well-formed key, or null for anything else (never throws). */
export function parseApiKey(raw: unknown): { readonly keyId: string; readonly secret: string } | null {
  if (typeof raw !== 'string' || raw.length > MAX_KEY_LENGTH) return null;
  const match = API_KEY.exec(raw);
  return match ? { keyId: match[1]!, secret: match[2]! } : null;
}

/** Lowercase hex SHA-256 of the secret's text: what ApiKeyCreated records. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

// ── commands ────────────────────────────────────────────────────────────────────────────────────

/**
 * Creates a key for `userId` and returns it (the only time the key exists outside the caller).
 * Errors: VALIDATION_ERROR (name: 1–64 characters, not blank, no control characters).
 */
export async function createApiKey(store: EventStore, input: { readonly userId: string; readonly name: string }, ctx: CredentialsContext): Promise<CreatedApiKey> {
  const keyId = newCredentialId();
  const secret = randomBytes(32).toString('base64url');
  const command: CreateApiKey = { type: 'CreateApiKey', keyId, userId: input.userId, name: input.name, secretHash: hashApiKeySecret(secret), createdBy: ctx.actor };
  checkCreateApiKey(command);
  await handleCommand(store, apiKeyDecider, apiKeyStream(keyId), command, commandContext(ctx));
  return { keyId, key: formatApiKey(keyId, secret), name: input.name, createdAt: ctx.now.toISOString() };
}

/**
 * Revokes one of the user's keys. Errors: API_KEY_NOT_FOUND (no such key, or another user's: the
 * API answers 404 either way), API_KEY_ALREADY_REVOKED (409).
 */
export async function revokeApiKey(
  store: EventStore,
  input: { readonly userId: string; readonly keyId: string },
  ctx: CredentialsContext,
): Promise<{ readonly keyId: string; readonly revokedAt: string }> {
  if (!isCredentialId(input.keyId)) {
    // Not an id we could have made: nothing to read.
    throw new DomainError<ApiKeyErrorCode>('API_KEY_NOT_FOUND', `No API key ${JSON.stringify(String(input.keyId).slice(0, 64))} among yours; list your keys with \`bgagent api-key list\`.`, {
      keyId: input.keyId,
    });
  }
  const result = await handleCommand(
    store,
    apiKeyDecider,
    apiKeyStream(input.keyId),
    { type: 'RevokeApiKey', keyId: input.keyId, userId: input.userId, revokedBy: ctx.actor },
    commandContext(ctx),
  );
  return { keyId: input.keyId, revokedAt: result.result.revokedAt ?? ctx.now.toISOString() };
}

// ── authentication ──────────────────────────────────────────────────────────────────────────────

/**
 * Who a raw `X-API-Key` value authenticates, or null: malformed, unknown key id, wrong secret, or
 * revoked. Never throws on its input; reads the key's stream (strongly consistent).
 */
export async function authenticateApiKey(store: Pick<EventStore, 'readStream'>, rawKey: unknown): Promise<ApiKeyPrincipal | null> {
  const parsed = parseApiKey(rawKey);
  if (parsed === null) return null;
  const state = await loadAggregate(store, apiKeyStream(parsed.keyId), apiKeyDecider);
  if (state.status === 'NONE' || state.userId === null || state.secretHash === null) return null;
  const expected = Buffer.from(state.secretHash, 'hex');
  const actual = createHash('sha256').update(parsed.secret, 'utf8').digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (state.status !== 'ACTIVE') return null;
  return { userId: state.userId, keyId: parsed.keyId };
}

export interface ApiKeyAuthenticatorOptions {
  /** Keep successful authentications this many seconds (default 0: no cache). A revoked key works on for at most this long. */
  readonly cacheTtlSeconds?: number;
  /** Cached keys at most (default 10,000); the oldest entry goes first. */
  readonly maxCacheEntries?: number;
  /** The cache's clock, in ms (tests). */
  readonly clock?: () => number;
}

export interface ApiKeyAuthenticator {
  authenticate(rawKey: unknown): Promise<ApiKeyPrincipal | null>;
  /** Drops a key from this process's cache (call it after revoking the key here). */
  forget(keyId: string): void;
  /** Entries in the cache (tests, metrics). */
  readonly size: number;
}

/** authenticateApiKey with an in-process cache of successes (see the file header for what it implies). */
export function createApiKeyAuthenticator(store: Pick<EventStore, 'readStream'>, options: ApiKeyAuthenticatorOptions = {}): ApiKeyAuthenticator {
  const ttlMs = Math.max(0, (options.cacheTtlSeconds ?? 0) * 1000);
  const maxEntries = Math.max(1, options.maxCacheEntries ?? 10_000);
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { readonly principal: ApiKeyPrincipal; readonly expiresAt: number }>();
  return {
    async authenticate(rawKey) {
      if (ttlMs === 0) return authenticateApiKey(store, rawKey);
      if (parseApiKey(rawKey) === null) return null;
      const cacheKey = createHash('sha256').update(rawKey as string, 'utf8').digest('hex');
      const hit = cache.get(cacheKey);
      if (hit !== undefined) {
        if (hit.expiresAt > clock()) return hit.principal;
        cache.delete(cacheKey);
      }
      const principal = await authenticateApiKey(store, rawKey);
      if (principal !== null) {
        cache.delete(cacheKey);
        cache.set(cacheKey, { principal, expiresAt: clock() + ttlMs });
        while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      }
      return principal;
    },
    forget(keyId) {
      for (const [k, v] of cache) if (v.principal.keyId === keyId) cache.delete(k);
    },
    get size() {
      return cache.size;
    },
  };
}

// ── listing ─────────────────────────────────────────────────────────────────────────────────────

export function toSummary(view: CredentialView): CredentialSummary {
  return { id: view.id, name: view.name, createdAt: view.createdAt, revokedAt: view.revokedAt };
}

/** The user's API keys (active and revoked), newest first, from the credentials view (eventually consistent). */
export async function listApiKeys(
  views: Pick<CredentialsViewStore, 'listByUser'>,
  userId: string,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<Page<CredentialSummary>> {
  const { items, nextCursor } = await views.listByUser(userId, 'api_key', { limit: page.limit, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
  return { items: items.map(toSummary), ...(nextCursor === undefined ? {} : { nextCursor }) };
}
