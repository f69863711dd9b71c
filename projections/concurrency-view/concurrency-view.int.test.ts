/**
 * The concurrency view against DynamoDB Local: User streams written by the User decider through the
 * command handler (slots, queue, releases), applied in any order; the sparse with-queue listing;
 * rebuild.
 */
import { DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { ulid } from 'ulid';
import { handleCommand } from '../../services/kernel/command-handler';
import { DynamoDbEventStore } from '../../services/kernel/dynamodb-event-store';
import type { EventEnvelope, StreamRef } from '../../services/kernel/envelope';
import { EVENTS_TABLE } from '../../services/kernel/tables';
import type { UserCommand } from '../../services/users/user/user-commands';
import { userDecider } from '../../services/users/user/user-decider';
import { createIsolatedTables, type IsolatedTables } from '../../test/support/dynamo';
import { applyEvent } from '../apply';
import { InvalidCursorError } from '../cursor';
import { foldView } from '../projection';
import { rebuildProjection } from '../rebuild';
import { CONCURRENCY_VIEW_TABLE, VIEW_TABLES } from '../tables';
import { shuffled } from '../testing/histories';
import type { ConcurrencyView } from './concurrency-view';
import { concurrencyViewProjection } from './concurrency-view-projection';
import { DynamoDbConcurrencyViewStore } from './dynamodb-concurrency-view-store';
import { createConcurrencyViewProjector } from './service';

let tables: IsolatedTables;
let store: DynamoDbEventStore;
let views: DynamoDbConcurrencyViewStore;
const ctx = { logger: new Logger({ serviceName: 'concurrency-view-test', logLevel: 'SILENT' }), now: () => new Date() };
const userStream = (id: string): StreamRef => ({ type: 'User', id });
const BASE = Date.UTC(2025, 0, 1);

beforeAll(async () => {
  tables = await createIsolatedTables([EVENTS_TABLE, ...VIEW_TABLES], 'cv');
  store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE) });
  views = new DynamoDbConcurrencyViewStore({ client: tables.client, tableName: tables.name(CONCURRENCY_VIEW_TABLE) });
});
afterAll(() => tables?.drop());

const request = (taskId: string, cap = 2): UserCommand => ({ type: 'RequestAdmission', taskId, cap });
const release = (taskId: string, cap = 2): UserCommand => ({ type: 'ReleaseSlot', taskId, terminalStatus: 'COMPLETED', cap });

async function runUser(userId: string, commands: readonly UserCommand[]): Promise<EventEnvelope[]> {
  for (const [i, command] of commands.entries()) {
    const now = new Date(BASE + i * 60_000);
    await handleCommand(store, userDecider, userStream(userId), command, { correlationId: userId, causationId: `test:${ulid()}`, actor: 'service:admission', now });
  }
  return store.readStream(userStream(userId));
}

const foldOf = (userId: string, events: readonly EventEnvelope[]) => foldView(concurrencyViewProjection, userId, events).view;

test('slots, queue and releases: shuffled and repeated deliveries give the fold of the stream', async () => {
  const events = await runUser('u-slots', [request('t1'), request('t2'), request('t3'), request('t4'), release('t1'), release('t3'), release('t2')]);
  expect(events.map((e) => e.type)).toEqual([
    'SlotAcquired',
    'SlotAcquired',
    'TaskEnqueued',
    'TaskEnqueued',
    'SlotReleased',
    'SlotAcquired',
    'SlotReleased',
    'SlotAcquired',
    'SlotReleased',
  ]);
  const projector = createConcurrencyViewProjector({ store }, views);
  for (const e of shuffled([...events, ...events], 3)) await projector.onEvent!(e, ctx);
  const view = await views.get('u-slots');
  expect(view).toEqual(foldOf('u-slots', events));
  expect(view).toEqual<ConcurrencyView>({ userId: 'u-slots', active: ['t4'], queued: [], lastSequence: 9 });
});

test('in order, step by step: the view follows the queue; hasQueue only while it is not empty', async () => {
  const events = await runUser('u-steps', [request('a', 1), request('b', 1), request('c', 1), release('a', 1)]);
  const hasQueue = async () =>
    (await tables.client.send(new GetItemCommand({ TableName: tables.name(CONCURRENCY_VIEW_TABLE), Key: { userId: { S: 'u-steps' } } }))).Item?.hasQueue?.S;
  await applyEvent(concurrencyViewProjection, views, store, events[0]!);
  expect(await hasQueue()).toBeUndefined();
  await applyEvent(concurrencyViewProjection, views, store, events[1]!);
  await applyEvent(concurrencyViewProjection, views, store, events[2]!);
  expect(await views.get('u-steps')).toEqual({
    userId: 'u-steps',
    active: ['a'],
    queued: [
      { taskId: 'b', enqueuedAt: new Date(BASE + 60_000).toISOString() },
      { taskId: 'c', enqueuedAt: new Date(BASE + 120_000).toISOString() },
    ],
    lastSequence: 3,
  });
  expect(await hasQueue()).toBe('Y');
  for (const e of events.slice(3)) await applyEvent(concurrencyViewProjection, views, store, e);
  expect(await views.get('u-steps')).toEqual(foldOf('u-steps', events));
  expect((await views.get('u-steps'))?.active).toEqual(['b']);
});

test('listWithQueue: only users with queued tasks, by userId, in pages; a foreign cursor is refused', async () => {
  const users = ['q-3', 'q-1', 'q-2', 'q-none'];
  for (const u of users) {
    const commands = u === 'q-none' ? [request('x', 5), request('y', 5)] : [request('x', 1), request('y', 1), request('z', 1)];
    for (const e of await runUser(u, commands)) await applyEvent(concurrencyViewProjection, views, store, e);
  }
  // Drain q-2's queue: it leaves the index.
  for (const e of await runUser('q-2', [release('x', 1), release('y', 1), release('z', 1)])) await applyEvent(concurrencyViewProjection, views, store, e);
  expect((await views.get('q-2'))?.queued).toEqual([]);

  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await views.listWithQueue({ limit: 1, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((v) => v.userId));
    expect(page.items.every((v) => v.queued.length > 0)).toBe(true);
    cursor = page.nextCursor;
  } while (cursor);
  const ours = ids.filter((id) => id.startsWith('q-'));
  expect(ours).toEqual(['q-1', 'q-3']);
  expect([...ids].sort()).toEqual(ids);
  await expect(views.listWithQueue({ limit: 1, cursor: Buffer.from('{"v":1,"k":"user","s":"q-1","a":"q-1"}').toString('base64url') })).rejects.toThrow(InvalidCursorError);
});

test('rebuild after deleting items reproduces identical views', async () => {
  const ids = ['u-slots', 'u-steps', 'q-1', 'q-2', 'q-3', 'q-none'];
  const before = new Map<string, ConcurrencyView | undefined>();
  for (const id of ids) before.set(id, await views.get(id));
  expect([...before.values()].every((v) => v !== undefined)).toBe(true);
  for (const id of ids.slice(0, 3)) {
    await tables.client.send(new DeleteItemCommand({ TableName: tables.name(CONCURRENCY_VIEW_TABLE), Key: { userId: { S: id } } }));
  }
  const report = await rebuildProjection({ projection: concurrencyViewProjection, events: store, views });
  expect(report).toMatchObject({ streams: ids.length, written: ids.length, failed: [] });
  for (const id of ids) expect(await views.get(id)).toEqual(before.get(id));
});
