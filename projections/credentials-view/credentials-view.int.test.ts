/**
 * The credentials view against DynamoDB Local: API keys and webhooks created and revoked through
 * the credentials library on the real event store, applied by the projector (shuffled, repeated);
 * the per-user listing (newest first, by kind, pages, scoped cursors); rebuilds (library and CLI).
 */
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileSecretStore } from '../../services/adapters/secrets/file-secret-store';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/credentials/api-keys';
import type { CredentialsContext } from '../../services/credentials/context';
import { createWebhook, listWebhooks, revokeWebhook } from '../../services/credentials/webhooks';
import type { Ports } from '../../services/ports/ports';
import type { HandlerContext } from '../../services/kernel/consumer';
import { DynamoDbEventStore } from '../../services/kernel/dynamodb-event-store';
import type { EventEnvelope } from '../../services/kernel/envelope';
import { EVENTS_TABLE } from '../../services/kernel/tables';
import { createIsolatedTables, testEndpoint, type IsolatedTables } from '../../test/support/dynamo';
import { InvalidCursorError } from '../cursor';
import { rebuildProjection } from '../rebuild';
import { runRebuildCli } from '../rebuild.cli';
import { CREDENTIALS_VIEW_TABLE } from '../tables';
import { shuffled } from '../testing/histories';
import { createViewStores, credentialsViewsOf } from '../view-stores';
import type { CredentialView } from './credentials-view';
import { apiKeyViewProjection, webhookViewProjection } from './credentials-view-projection';
import { DynamoDbCredentialsViewStore } from './dynamodb-credentials-view-store';
import { createCredentialsViewProjector } from './service';

let tables: IsolatedTables;
let store: DynamoDbEventStore;
let views: DynamoDbCredentialsViewStore;
let dir: string;
let secrets: FileSecretStore;
const handlerCtx: HandlerContext = { logger: new Logger({ serviceName: 'credentials-view-test', logLevel: 'SILENT' }), now: () => new Date() };
const BASE = Date.UTC(2025, 0, 1);
const at = (minutes: number): CredentialsContext => ({ actor: 'user:test', causationId: `req-${minutes}-${Math.random()}`, now: new Date(BASE + minutes * 60_000) });

beforeAll(async () => {
  tables = await createIsolatedTables([EVENTS_TABLE, CREDENTIALS_VIEW_TABLE], 'crv');
  store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE) });
  views = new DynamoDbCredentialsViewStore({ client: tables.client, tableName: tables.name(CREDENTIALS_VIEW_TABLE) });
  dir = mkdtempSync(path.join(os.tmpdir(), 'abca-crv-test-'));
  secrets = new FileSecretStore(dir);
});
afterAll(async () => {
  await tables?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function allCredentialEvents(): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  for await (const e of store.readAll()) if (e.stream.type === 'ApiKey' || e.stream.type === 'Webhook') out.push(e);
  return out;
}

const ids = (items: readonly { id: string }[]) => items.map((v) => v.id);

describe('a user with keys and webhooks', () => {
  const keys: string[] = []; // creation order
  const hooks: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) keys.push((await createApiKey(store, { userId: 'alice', name: `key ${i}` }, at(i * 2))).keyId);
    for (let i = 0; i < 3; i++) hooks.push((await createWebhook(store, secrets, { userId: 'alice', name: `hook-${i}` }, at(i * 2 + 1))).webhookId);
    await createApiKey(store, { userId: 'bob', name: 'bob key' }, at(3));
    await revokeApiKey(store, { userId: 'alice', keyId: keys[1]! }, at(20));
    await revokeWebhook(store, { userId: 'alice', webhookId: hooks[2]! }, at(21), { secrets });

    // Every event twice, shuffled: the projector must end at the fold of each stream.
    const events = await allCredentialEvents();
    const projector = createCredentialsViewProjector({ store }, views);
    for (const e of shuffled([...events, ...events], 7)) await projector.onEvent!(e, handlerCtx);
  });

  test("listByUser: the user's keys, newest first, revoked ones with revokedAt; webhooks apart", async () => {
    const page = await views.listByUser('alice', 'api_key', { limit: 100 });
    expect(ids(page.items)).toEqual([...keys].reverse());
    expect(page.nextCursor).toBeUndefined();
    expect(page.items.find((v) => v.id === keys[1])).toEqual<CredentialView>({
      userId: 'alice',
      kind: 'api_key',
      id: keys[1]!,
      name: 'key 1',
      createdAt: '2025-01-01T00:02:00.000Z',
      revokedAt: '2025-01-01T00:20:00.000Z',
      lastSequence: 2,
    });
    expect(page.items.filter((v) => v.revokedAt !== null).map((v) => v.id)).toEqual([keys[1]]);

    const hooksPage = await views.listByUser('alice', 'webhook', { limit: 100 });
    expect(ids(hooksPage.items)).toEqual([...hooks].reverse());
    expect(hooksPage.items[0]).toMatchObject({ kind: 'webhook', name: 'hook-2', revokedAt: '2025-01-01T00:21:00.000Z' });
    expect(await views.get('webhook', hooks[0]!)).toMatchObject({ userId: 'alice', revokedAt: null, lastSequence: 1 });
  });

  test("another user sees only their own; a user without any sees nothing", async () => {
    expect((await views.listByUser('bob', 'api_key', { limit: 100 })).items.map((v) => v.name)).toEqual(['bob key']);
    expect((await views.listByUser('bob', 'webhook', { limit: 100 })).items).toEqual([]);
    expect((await views.listByUser('mallory', 'api_key', { limit: 100 })).items).toEqual([]);
  });

  test('pages with cursors; a cursor of another user or kind is refused', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await views.listByUser('alice', 'api_key', { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page.items));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([...keys].reverse());
    expect(pages).toBe(3);

    const first = await views.listByUser('alice', 'api_key', { limit: 2 });
    await expect(views.listByUser('bob', 'api_key', { limit: 2, cursor: first.nextCursor! })).rejects.toThrow(InvalidCursorError);
    await expect(views.listByUser('alice', 'webhook', { limit: 2, cursor: first.nextCursor! })).rejects.toThrow(InvalidCursorError);
    await expect(views.listByUser('alice', 'api_key', { limit: 2, cursor: 'garbage!' })).rejects.toThrow(InvalidCursorError);
  });

  test('listApiKeys / listWebhooks: summaries for the API (id, name, createdAt, revokedAt)', async () => {
    const page = await listApiKeys(views, 'alice', { limit: 2 });
    expect(page.items).toEqual([
      { id: keys[4], name: 'key 4', createdAt: '2025-01-01T00:08:00.000Z', revokedAt: null },
      { id: keys[3], name: 'key 3', createdAt: '2025-01-01T00:06:00.000Z', revokedAt: null },
    ]);
    const next = await listApiKeys(views, 'alice', { limit: 10, cursor: page.nextCursor! });
    expect(ids(next.items)).toEqual([keys[2], keys[1], keys[0]]);
    expect(next.nextCursor).toBeUndefined();
    expect((await listWebhooks(views, 'alice', { limit: 10 })).items.map((i) => i.name)).toEqual(['hook-2', 'hook-1', 'hook-0']);
  });

  test('rebuild (library, then CLI) after deleting items reproduces the views', async () => {
    const before = [...(await views.listByUser('alice', 'api_key', { limit: 100 })).items, ...(await views.listByUser('alice', 'webhook', { limit: 100 })).items];
    const table = tables.name(CREDENTIALS_VIEW_TABLE);
    const wipe = async () => {
      const { Items = [] } = await tables.client.send(new ScanCommand({ TableName: table, ProjectionExpression: 'credentialKey', ConsistentRead: true }));
      await Promise.all(Items.map((item) => tables.client.send(new DeleteItemCommand({ TableName: table, Key: { credentialKey: item.credentialKey! } }))));
    };
    const after = async () => [...(await views.listByUser('alice', 'api_key', { limit: 100 })).items, ...(await views.listByUser('alice', 'webhook', { limit: 100 })).items];

    await wipe();
    const keysReport = await rebuildProjection({ projection: apiKeyViewProjection, events: store, views: views.forKind('api_key') });
    const hooksReport = await rebuildProjection({ projection: webhookViewProjection, events: store, views: views.forKind('webhook') });
    expect(keysReport).toMatchObject({ streams: 6, written: 6, failed: [] });
    expect(hooksReport).toMatchObject({ streams: 3, written: 3, failed: [] });
    expect(await after()).toEqual(before);

    await wipe();
    const lines: string[] = [];
    const code = await runRebuildCli(['--endpoint', testEndpoint(), '--prefix', tables.prefix, '--view', 'credentials-view'], {
      log: (l) => lines.push(l),
      error: (l) => lines.push(`ERR ${l}`),
    });
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatch(/credentials-view: done — 9 streams, 9 written, 0 left to live updates, 0 without a view, 0 failed/);
    expect(await after()).toEqual(before);
  });
});

test('the projector from its ports (createViewStores), as the catalog builds it', async () => {
  const stores = createViewStores({ client: tables.client, prefix: tables.prefix });
  expect(stores.credentialsViews.tableName).toBe(tables.name(CREDENTIALS_VIEW_TABLE));
  const deps = { store, credentialsViews: stores.credentialsViews };
  expect(credentialsViewsOf(deps)).toBe(stores.credentialsViews);
  expect(() => credentialsViewsOf({})).toThrow(/the credentialsViews port is missing/);
  const withoutForKind = { get: async () => undefined, listByUser: async () => ({ items: [] }) };
  expect(() => credentialsViewsOf({ credentialsViews: withoutForKind } as unknown as Pick<Ports, 'credentialsViews'>)).toThrow(/lacks forKind/);

  const { keyId } = await createApiKey(store, { userId: 'carol', name: 'extras' }, at(30));
  const projector = createCredentialsViewProjector(deps);
  const [created] = await store.readStream({ type: 'ApiKey', id: keyId });
  await projector.onEvent!(created!, handlerCtx);
  // Events of other streams are ignored.
  await projector.onEvent!({ ...created!, stream: { type: 'Task', id: 't-1' } } as EventEnvelope, handlerCtx);
  expect((await stores.credentialsViews.listByUser('carol', 'api_key', { limit: 10 })).items.map((v) => v.id)).toEqual([keyId]);
});
