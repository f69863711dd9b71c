/** The DynamoDB memory store on DynamoDB Local: write, relevance + recency ranking, token cap, isolation by repo, TTL. */
import { createIsolatedTables, type IsolatedTables } from '../../../test/support/dynamo';
import { DynamoMemoryStore } from './dynamo-memory-store';
import { MEMORY_TABLE, MEMORY_TABLES } from './tables';

let tables: IsolatedTables;
const now = new Date('2025-06-01T00:00:00Z');
const store = (extra: Partial<ConstructorParameters<typeof DynamoMemoryStore>[0]> = {}) =>
  new DynamoMemoryStore({ client: tables.client, tableName: tables.name(MEMORY_TABLE), now: () => now, ...extra });

beforeAll(async () => {
  tables = await createIsolatedTables(MEMORY_TABLES, 'mem');
});
afterAll(async () => {
  await tables.drop();
});

test('recall ranks by term overlap, then recency, and keeps repositories apart', async () => {
  const s = store();
  await s.write({ id: 'a', repo: 'o/r1', createdAt: '2025-05-01T00:00:00Z', text: 'The login page tests need a running database.' });
  await s.write({ id: 'b', repo: 'o/r1', createdAt: '2025-05-30T00:00:00Z', text: 'Lint with npm run lint before committing.' });
  await s.write({ id: 'c', repo: 'o/r1', createdAt: '2025-05-31T00:00:00Z', text: 'Login uses OAuth; login tokens are refreshed in auth.ts.' });
  await s.write({ id: 'd', repo: 'o/r2', createdAt: '2025-05-31T00:00:00Z', text: 'Login in r2 is different.' });
  const items = await s.recall('o/r1', 'Fix the login page redirect', { maxTokens: 2_000 });
  expect(items.map((i) => i.id)).toEqual(['c', 'a']);
  expect(items[0]!.score).toBeGreaterThan(items[1]!.score);
  expect((await s.recall('o/r1', '', { maxTokens: 2_000 })).map((i) => i.id)).toEqual(['c', 'b', 'a']);
});

test('recall is capped at maxTokens (~4 characters per token) and never more than 2,000 tokens', async () => {
  const s = store();
  for (let i = 0; i < 6; i += 1) {
    await s.write({ id: `big${i}`, repo: 'o/big', createdAt: `2025-05-2${i}T00:00:00Z`, text: `cache ${'word '.repeat(400)}` });
  }
  const small = await s.recall('o/big', 'cache', { maxTokens: 600 });
  expect(small).toHaveLength(1);
  const all = await s.recall('o/big', 'cache', { maxTokens: 100_000 });
  expect(all.reduce((n, i) => n + Math.ceil(i.text.length / 4), 0)).toBeLessThanOrEqual(2_000);
  expect(all).toHaveLength(3);
});

test('expired episodes are not recalled; a rewrite of the same episode does not duplicate it', async () => {
  const s = store({ retentionDays: 30 });
  await s.write({ id: 'old', repo: 'o/ttl', createdAt: '2025-01-01T00:00:00Z', text: 'old cache note' });
  await s.write({ id: 'new', repo: 'o/ttl', createdAt: '2025-05-20T00:00:00Z', text: 'new cache note' });
  await s.write({ id: 'new', repo: 'o/ttl', createdAt: '2025-05-20T00:00:00Z', text: 'new cache note' });
  expect((await s.recall('o/ttl', 'cache', { maxTokens: 2_000 })).map((i) => i.id)).toEqual(['new']);
});
