/**
 * The command handler against DynamoDB Local: concurrent commands on one stream all land, each
 * decided on what the others wrote (re-read and re-decide on conflict); multi-stream commands
 * land atomically; a command that decides nothing writes nothing.
 */
import { localDynamoClient } from '../adapters/aws/dynamodb-client';
import { createTables } from './create-tables';
import { ConcurrencyError, handleCommand, runCommand, type CommandContext } from './command-handler';
import type { Decider } from './decider';
import { DynamoDbEventStore } from './dynamodb-event-store';
import type { EventStore } from './event-store';
import { DomainError } from './errors';
import { EVENTS_TABLE, tableName } from './tables';
import { taskStream, userStream } from './testing/sample-events';

const client = localDynamoClient(process.env.DYNAMODB_ENDPOINT!);
const prefix = `ch${Date.now().toString(36)}`;
const store = new DynamoDbEventStore({ client, tableName: tableName(EVENTS_TABLE, prefix) });
const ctx = (id: string): CommandContext => ({ correlationId: id, causationId: id, actor: 'system', now: new Date() });

/** A counting decider: each Take appends TaskQueued at position count+1, up to a limit. */
type Take = { type: 'Take'; limit: number };
const counter: Decider<Take, number, 'TaskQueued'> = {
  initialState: () => 0,
  evolve: (count, event) => (event.type === 'TaskQueued' ? count + 1 : count),
  decide: (command, count) => {
    if (count >= command.limit) throw new DomainError('FULL', `already ${count}`);
    return [{ type: 'TaskQueued', data: { userId: 'u', position: count + 1 } }];
  },
};

beforeAll(() => createTables(client, [EVENTS_TABLE], prefix));
afterAll(() => client.destroy());

test('10 concurrent commands on one stream all land, each decided on the latest state', async () => {
  const stream = taskStream('counter-1');
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => handleCommand(store, counter, stream, { type: 'Take', limit: 100 }, ctx(`c${i}`))),
  );
  expect(results.every((r) => r.status === 'appended')).toBe(true);
  const positions = (await store.readStream(stream)).map((e) => (e.data as { position: number }).position);
  expect(positions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('a domain error propagates and nothing is written; re-deciding respects the rule under contention', async () => {
  const stream = taskStream('counter-2');
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => handleCommand(store, counter, stream, { type: 'Take', limit: 3 }, ctx(`d${i}`))),
  );
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(rejected).toHaveLength(5);
  expect(rejected.every((r) => r.reason instanceof DomainError && r.reason.code === 'FULL')).toBe(true);
  expect(await store.readStream(stream)).toHaveLength(3);
});

test('a command that decides nothing is a noop and writes nothing', async () => {
  const stream = taskStream('noop');
  const result = await runCommand(store, ctx('n'), async (tx) => {
    await tx.load(stream);
    tx.emit(stream, []);
    return 'nothing';
  });
  expect(result).toEqual({ status: 'noop', result: 'nothing' });
  expect(await store.readStream(stream)).toEqual([]);
});

test('a multi-stream command appends to both streams atomically, with envelopes filled in', async () => {
  const task = taskStream('multi-1');
  const user = userStream('multi-u');
  const now = new Date('2026-01-02T03:04:05.000Z');
  const result = await runCommand(store, { correlationId: 'multi-1', causationId: 'req-1', actor: 'user:u', now }, async (tx) => {
    const t = await tx.fold(counter, task);
    const u = await tx.fold(counter, user);
    tx.emit(task, counter.decide({ type: 'Take', limit: 5 }, t));
    tx.emit(user, counter.decide({ type: 'Take', limit: 5 }, u));
  });
  expect(result.status).toBe('appended');
  const [t] = await store.readStream(task);
  const [u] = await store.readStream(user);
  expect(t).toMatchObject({ sequence: 1, occurredAt: now.toISOString(), correlationId: 'multi-1', causationId: 'req-1', source: 'abca.task', schemaVersion: 1, metadata: { actor: 'user:u' } });
  expect(u).toMatchObject({ sequence: 1, source: 'abca.user' });
  expect(t!.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
});

test('gives up with ConcurrencyError after the bounded number of attempts', async () => {
  const stream = taskStream('always-conflict');
  const conflicting: EventStore = {
    ...store,
    readStream: (s) => store.readStream(s),
    append: async () => ({ status: 'conflict', streams: [stream] }),
    appendMany: async () => ({ status: 'conflict', streams: [stream] }),
    listStreams: (t) => store.listStreams(t),
    readAll: () => store.readAll(),
  };
  let runs = 0;
  await expect(
    runCommand(conflicting, ctx('x'), async (tx) => {
      runs++;
      tx.emit(stream, (await tx.load(stream)).length === 0 ? [{ type: 'TaskQueued', data: { userId: 'u', position: 1 } }] : []);
    }, { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 }),
  ).rejects.toBeInstanceOf(ConcurrencyError);
  expect(runs).toBe(4);
});
