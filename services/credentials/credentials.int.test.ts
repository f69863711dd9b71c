/**
 * API keys and webhooks against DynamoDB Local: created through the command handler on the real
 * event store, authenticated / verified from their streams; secrets in a FileSecretStore. Checks
 * that no secret ever reaches the event store.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileSecretStore } from '../adapters/secrets/file-secret-store';
import { DynamoDbEventStore } from '../kernel/dynamodb-event-store';
import type { EventEnvelope } from '../kernel/envelope';
import { isDomainError } from '../kernel/errors';
import { EVENTS_TABLE } from '../kernel/tables';
import { createIsolatedTables, type IsolatedTables } from '../../test/support/dynamo';
import { authenticateApiKey, createApiKey, createApiKeyAuthenticator, formatApiKey, hashApiKeySecret, parseApiKey, revokeApiKey } from './api-keys';
import type { CredentialsContext } from './context';
import { createCredentials } from './credentials';
import { createWebhook, revokeWebhook, signWebhookBody, verifyWebhookRequest, webhookSecretRef } from './webhooks';

let tables: IsolatedTables;
let store: DynamoDbEventStore;
let dir: string;
let secrets: FileSecretStore;
/** Every key and secret handed out by this file: none may be found in the event store. */
const issued: string[] = [];

beforeAll(async () => {
  tables = await createIsolatedTables([EVENTS_TABLE], 'cred');
  store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE) });
  dir = mkdtempSync(path.join(os.tmpdir(), 'abca-cred-test-'));
  secrets = new FileSecretStore(path.join(dir, 'secrets'));
});
afterAll(async () => {
  await tables?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (userId: string, at = Date.UTC(2025, 0, 1)): CredentialsContext => ({ actor: `user:${userId}`, causationId: `req-${Math.random()}`, now: new Date(at) });

async function newKey(userId: string, name = 'laptop') {
  const created = await createApiKey(store, { userId, name }, ctx(userId));
  issued.push(created.key, parseApiKey(created.key)!.secret);
  return created;
}

async function newWebhook(userId: string, name = 'ci-hook') {
  const created = await createWebhook(store, secrets, { userId, name }, ctx(userId));
  issued.push(created.secret);
  return created;
}

async function allEvents(): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

/** The same string with the character at `i` replaced by another of the same alphabet. */
function changeAt(s: string, i: number): string {
  const c = s[i]!;
  const other = /[0-9]/.test(c) ? (c === '0' ? '1' : '0') : /[a-z]/.test(c) ? (c === 'a' ? 'b' : 'a') : /[A-Z]/.test(c) ? (c === 'A' ? 'B' : 'A') : c === '-' ? '_' : '-';
  return s.slice(0, i) + other + s.slice(i + 1);
}

async function expectDomainError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDomainError(err, code)).toBe(true);
}

describe('API keys', () => {
  test('the key has the documented format, and only the hash of its secret is stored', async () => {
    const created = await newKey('u-fmt');
    expect(created.key).toMatch(/^bgak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'laptop', createdAt: '2025-01-01T00:00:00.000Z' });
    const { keyId, secret } = parseApiKey(created.key)!;
    expect(keyId).toBe(created.keyId);
    expect(formatApiKey(keyId, secret)).toBe(created.key);
    const [event] = await store.readStream({ type: 'ApiKey', id: keyId });
    expect(event).toMatchObject({
      type: 'ApiKeyCreated',
      source: 'abca.api-key',
      data: { keyId, userId: 'u-fmt', name: 'laptop', secretHash: hashApiKeySecret(secret), createdBy: 'user:u-fmt' },
      metadata: { actor: 'user:u-fmt' },
    });
  });

  test('the exact key authenticates its user; any one changed character does not', async () => {
    const { key, keyId } = await newKey('u-auth');
    expect(await authenticateApiKey(store, key)).toEqual({ userId: 'u-auth', keyId });
    // Every character of the id and of the secret, one at a time (a changed id names another stream).
    for (let i = 'bgak_'.length; i < key.length; i++) {
      if (key[i] === '_' && i === 'bgak_'.length + 16) continue; // the separator
      expect(await authenticateApiKey(store, changeAt(key, i))).toBeNull();
    }
    expect(await authenticateApiKey(store, key.toUpperCase())).toBeNull();
    expect(await authenticateApiKey(store, `${key} `)).toBeNull();
  });

  test('a revoked key no longer authenticates; revoking twice → ALREADY_REVOKED; another user → NOT_FOUND', async () => {
    const { key, keyId } = await newKey('u-rev');
    await expectDomainError(revokeApiKey(store, { userId: 'u-other', keyId }, ctx('u-other')), 'API_KEY_NOT_FOUND');
    expect(await authenticateApiKey(store, key)).toEqual({ userId: 'u-rev', keyId });
    const revoked = await revokeApiKey(store, { userId: 'u-rev', keyId }, ctx('u-rev', Date.UTC(2025, 0, 2)));
    expect(revoked).toEqual({ keyId, revokedAt: '2025-01-02T00:00:00.000Z' });
    expect(await authenticateApiKey(store, key)).toBeNull();
    await expectDomainError(revokeApiKey(store, { userId: 'u-rev', keyId }, ctx('u-rev')), 'API_KEY_ALREADY_REVOKED');
    await expectDomainError(revokeApiKey(store, { userId: 'u-rev', keyId: 'ffffffffffffffff' }, ctx('u-rev')), 'API_KEY_NOT_FOUND');
    await expectDomainError(revokeApiKey(store, { userId: 'u-rev', keyId: '../../etc' }, ctx('u-rev')), 'API_KEY_NOT_FOUND');
  });

  test('a bad name is refused before anything is written', async () => {
    const before = (await allEvents()).length;
    await expectDomainError(createApiKey(store, { userId: 'u-bad', name: '' }, ctx('u-bad')), 'VALIDATION_ERROR');
    await expectDomainError(createApiKey(store, { userId: 'u-bad', name: 'x'.repeat(65) }, ctx('u-bad')), 'VALIDATION_ERROR');
    expect((await allEvents()).length).toBe(before);
  });

  test('malformed input never throws and never authenticates (fuzzed)', async () => {
    const { key } = await newKey('u-fuzz');
    const hex16 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 });
    const b64url43 = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 43, maxLength: 43 });
    const candidates = fc.oneof(
      fc.anything(),
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string().map((s) => `bgak_${s}`),
      fc.tuple(hex16, b64url43).map(([id, secret]) => `bgak_${id}_${secret}`), // well formed, unknown
      fc.tuple(fc.nat(key.length - 1), fc.string({ maxLength: 3 })).map(([i, s]) => key.slice(0, i) + s + key.slice(i + 1)),
      fc.nat(key.length).map((i) => key.slice(0, i)),
      fc.string().map((s) => key + s).filter((s) => s !== key),
    );
    await fc.assert(
      fc.asyncProperty(candidates, async (raw) => {
        if (raw === key) return;
        await expect(authenticateApiKey(store, raw)).resolves.toBeNull();
      }),
      { numRuns: 300 },
    );
    for (const raw of [undefined, null, 42, {}, [], '', 'bgak_', 'bgak__', `bgak_${'a'.repeat(16)}_`, 'x'.repeat(1_000_000), key.replace('bgak_', 'BGAK_')]) {
      await expect(authenticateApiKey(store, raw)).resolves.toBeNull();
    }
  });

  test('cache: successes are kept for the TTL, so a revoked key works on until it expires (or is forgotten)', async () => {
    let now = 1_000_000;
    const reads: string[] = [];
    const counting = { readStream: (...args: Parameters<DynamoDbEventStore['readStream']>) => (reads.push(args[0].id), store.readStream(...args)) };
    const auth = createApiKeyAuthenticator(counting, { cacheTtlSeconds: 30, clock: () => now });
    const { key, keyId } = await newKey('u-cache');

    expect(await auth.authenticate(key)).toEqual({ userId: 'u-cache', keyId });
    expect(await auth.authenticate(key)).toEqual({ userId: 'u-cache', keyId });
    expect(reads).toEqual([keyId]); // the second came from the cache
    expect(await auth.authenticate(changeAt(key, key.length - 1))).toBeNull(); // not a cache hit
    expect(await auth.authenticate('nonsense')).toBeNull();

    await revokeApiKey(store, { userId: 'u-cache', keyId }, ctx('u-cache'));
    now += 29_000;
    expect(await auth.authenticate(key)).toEqual({ userId: 'u-cache', keyId }); // within the TTL
    now += 1_001;
    expect(await auth.authenticate(key)).toBeNull(); // the TTL is the bound
    expect(await auth.authenticate(key)).toBeNull(); // failures are not cached

    const second = await newKey('u-cache');
    expect(await auth.authenticate(second.key)).not.toBeNull();
    await revokeApiKey(store, { userId: 'u-cache', keyId: second.keyId }, ctx('u-cache'));
    auth.forget(second.keyId);
    expect(await auth.authenticate(second.key)).toBeNull(); // forgotten at once

    const off = createApiKeyAuthenticator(store); // default: no cache
    const third = await newKey('u-cache');
    expect(await off.authenticate(third.key)).not.toBeNull();
    await revokeApiKey(store, { userId: 'u-cache', keyId: third.keyId }, ctx('u-cache'));
    expect(await off.authenticate(third.key)).toBeNull();
    expect(off.size).toBe(0);
  });

  test('the cache is bounded: the oldest entry goes first', async () => {
    const auth = createApiKeyAuthenticator(store, { cacheTtlSeconds: 60, maxCacheEntries: 2 });
    const keys = [await newKey('u-lru'), await newKey('u-lru'), await newKey('u-lru')];
    for (const k of keys) await auth.authenticate(k.key);
    expect(auth.size).toBe(2);
  });
});

describe('webhooks', () => {
  const body = Buffer.from(JSON.stringify({ repo: 'octo/widgets', task_description: 'Fix the flaky test' }));

  test('create → the secret is 64 hex, stored 0600 under its reference; a signed request verifies', async () => {
    const hook = await newWebhook('u-wh', 'CI pipeline_1');
    expect(hook).toMatchObject({ webhookId: expect.stringMatching(/^[0-9a-f]{16}$/), name: 'CI pipeline_1', secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const file = path.join(secrets.dir, webhookSecretRef(hook.webhookId));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(secrets.dir).mode & 0o777).toBe(0o700);
    expect(await secrets.get(webhookSecretRef(hook.webhookId))).toBe(hook.secret);

    const [event] = await store.readStream({ type: 'Webhook', id: hook.webhookId });
    expect(event).toMatchObject({ type: 'WebhookCreated', source: 'abca.webhook', data: { webhookId: hook.webhookId, userId: 'u-wh', secretRef: webhookSecretRef(hook.webhookId) } });

    const signatureHeader = signWebhookBody(hook.secret, body);
    expect(signatureHeader).toMatch(/^sha256=[0-9a-f]{64}$/);
    const ok = { ok: true, userId: 'u-wh', webhookId: hook.webhookId };
    expect(await verifyWebhookRequest(store, secrets, { webhookId: hook.webhookId, signatureHeader, rawBody: body })).toEqual(ok);
    expect(await verifyWebhookRequest(store, secrets, { webhookId: hook.webhookId, signatureHeader, rawBody: body.toString('utf8') })).toEqual(ok);
    expect(await verifyWebhookRequest(store, secrets, { webhookId: hook.webhookId, signatureHeader: signatureHeader.toUpperCase().replace('SHA256=', 'sha256='), rawBody: body })).toEqual(ok);
  });

  test('tampered body, wrong secret, malformed header → bad_signature; unknown id → unknown_webhook; junk id → malformed', async () => {
    const hook = await newWebhook('u-sig');
    const other = await newWebhook('u-sig', 'other-hook');
    const verify = (signatureHeader: unknown, rawBody: unknown = body, webhookId: unknown = hook.webhookId) =>
      verifyWebhookRequest(store, secrets, { webhookId, signatureHeader, rawBody });
    const good = signWebhookBody(hook.secret, body);
    const tampered = Buffer.from(body);
    tampered[tampered.length - 2] ^= 1;
    expect(await verify(good, tampered)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(good, Buffer.concat([body, Buffer.from(' ')]))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(signWebhookBody(other.secret, body))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verify(signWebhookBody('0'.repeat(64), body))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyWebhookRequest(store, secrets, { webhookId: hook.webhookId, signatureHeader: undefined, rawBody: body })).toEqual({ ok: false, reason: 'bad_signature' });
    for (const header of [null, 42, '', 'sha256=', good.slice(7), `sha1=${good.slice(7)}`, `${good}00`, good.slice(0, -2), `sha256=${'z'.repeat(64)}`, good.replace('sha256=', 'sha256 =')]) {
      expect(await verify(header)).toEqual({ ok: false, reason: 'bad_signature' });
    }
    expect(await verify(good, { not: 'a body' })).toEqual({ ok: false, reason: 'malformed' });
    expect(await verify(good, body, 'ffffffffffffffff')).toEqual({ ok: false, reason: 'unknown_webhook' });
    for (const id of [undefined, '', 'NOT-AN-ID', '../../etc/passwd', 'x'.repeat(65), 7]) {
      expect(await verifyWebhookRequest(store, secrets, { webhookId: id, signatureHeader: good, rawBody: body })).toEqual({ ok: false, reason: 'malformed' });
    }
    // A signature made for one webhook does not verify on another.
    expect(await verify(good, body, other.webhookId)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('revoke → revoked (even with a good signature), the secret is deleted; twice → ALREADY_REVOKED; another user → NOT_FOUND', async () => {
    const hook = await newWebhook('u-whrev');
    const signatureHeader = signWebhookBody(hook.secret, body);
    await expectDomainError(revokeWebhook(store, { userId: 'u-else', webhookId: hook.webhookId }, ctx('u-else'), { secrets }), 'WEBHOOK_NOT_FOUND');
    expect(await secrets.get(webhookSecretRef(hook.webhookId))).toBe(hook.secret);

    const revoked = await revokeWebhook(store, { userId: 'u-whrev', webhookId: hook.webhookId }, ctx('u-whrev', Date.UTC(2025, 0, 3)), { secrets });
    expect(revoked).toEqual({ webhookId: hook.webhookId, revokedAt: '2025-01-03T00:00:00.000Z', secretDeleted: true });
    expect(await secrets.get(webhookSecretRef(hook.webhookId))).toBeUndefined();
    expect(await verifyWebhookRequest(store, secrets, { webhookId: hook.webhookId, signatureHeader, rawBody: body })).toEqual({ ok: false, reason: 'revoked' });
    await expectDomainError(revokeWebhook(store, { userId: 'u-whrev', webhookId: hook.webhookId }, ctx('u-whrev')), 'WEBHOOK_ALREADY_REVOKED');
    await expectDomainError(revokeWebhook(store, { userId: 'u-whrev', webhookId: 'ffffffffffffffff' }, ctx('u-whrev')), 'WEBHOOK_NOT_FOUND');
    await expectDomainError(revokeWebhook(store, { userId: 'u-whrev', webhookId: '..' }, ctx('u-whrev')), 'WEBHOOK_NOT_FOUND');

    // Without a secret store, revoke leaves the secret (verification refuses the webhook anyway).
    const kept = await newWebhook('u-whrev', 'kept');
    expect(await revokeWebhook(store, { userId: 'u-whrev', webhookId: kept.webhookId }, ctx('u-whrev'))).toMatchObject({ secretDeleted: false });
    expect(await secrets.get(webhookSecretRef(kept.webhookId))).toBe(kept.secret);
  });

  test('a bad name is refused before the secret or an event is written', async () => {
    const filesBefore = readdirSync(secrets.dir).length;
    const eventsBefore = (await allEvents()).length;
    for (const name of ['a', 'bad;name', ' padded ', 'x'.repeat(65)]) {
      await expectDomainError(createWebhook(store, secrets, { userId: 'u-badwh', name }, ctx('u-badwh')), 'VALIDATION_ERROR');
    }
    expect(readdirSync(secrets.dir).length).toBe(filesBefore);
    expect((await allEvents()).length).toBe(eventsBefore);
  });

  test('an active webhook whose secret is gone is a platform fault (throws), not a caller error', async () => {
    const hook = await newWebhook('u-lost');
    await secrets.delete(webhookSecretRef(hook.webhookId));
    await expect(verifyWebhookRequest(store, secrets, { webhookId: hook.webhookId, signatureHeader: signWebhookBody(hook.secret, body), rawBody: body })).rejects.toThrow(
      /secret .* is missing from the secret store/,
    );
  });
});

test('createCredentials: the functions bound together, as the REST API calls them', async () => {
  const views = { listByUser: async () => ({ items: [] }) };
  const credentials = createCredentials({ store, secrets, views, apiKeyCacheTtlSeconds: 60 });
  const key = await credentials.createApiKey({ userId: 'u-port', name: 'port' }, 'user:u-port');
  issued.push(key.key);
  expect(await credentials.authenticateApiKey(key.key)).toEqual({ userId: 'u-port', keyId: key.keyId });
  await credentials.revokeApiKey({ userId: 'u-port', keyId: key.keyId }, 'user:u-port');
  expect(await credentials.authenticateApiKey(key.key)).toBeNull(); // this process forgot it at once
  await expectDomainError(credentials.revokeApiKey({ userId: 'u-port', keyId: key.keyId }, 'user:u-port'), 'API_KEY_ALREADY_REVOKED');

  const hook = await credentials.createWebhook({ userId: 'u-port', name: 'port-hook' }, 'user:u-port');
  issued.push(hook.secret);
  const rawBody = Buffer.from('{}');
  expect(await credentials.verifyWebhookRequest({ webhookId: hook.webhookId, signatureHeader: signWebhookBody(hook.secret, rawBody), rawBody })).toMatchObject({ ok: true });
  await credentials.revokeWebhook({ userId: 'u-port', webhookId: hook.webhookId }, 'user:u-port');
  expect(await secrets.get(webhookSecretRef(hook.webhookId))).toBeUndefined();
  expect(await credentials.listApiKeys('u-port', { limit: 10 })).toEqual({ items: [] });
});

test('the event store holds no key and no secret: every stored event, as JSON', async () => {
  const events = await allEvents();
  expect(events.filter((e) => e.stream.type === 'ApiKey').length).toBeGreaterThan(5);
  expect(events.filter((e) => e.stream.type === 'Webhook').length).toBeGreaterThan(5);
  expect(issued.length).toBeGreaterThan(20);
  const json = events.map((e) => JSON.stringify(e)).join('\n');
  for (const secret of issued) expect(json.includes(secret)).toBe(false);
  // Not even the webhook secret's bytes in another encoding.
  for (const secret of issued.filter((s) => /^[0-9a-f]{64}$/.test(s))) expect(json.includes(Buffer.from(secret, 'hex').toString('base64'))).toBe(false);
});
