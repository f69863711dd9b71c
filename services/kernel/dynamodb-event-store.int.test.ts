/**
 * The DynamoDB event store against a real DynamoDB Local (started by the jest global setup).
 * Each test file gets its own tables under a random prefix.
 */
import { localDynamoClient } from '../adapters/aws/dynamodb-client';
import { createTables } from './create-tables';
import { DynamoDbEventStore } from './dynamodb-event-store';
import type { StreamRef } from './envelope';
import { EventValidationError } from './validation';
import { EVENTS_TABLE, tableName } from './tables';
import { sampleEvent, sampleEvents, taskStream, userStream } from './testing/sample-events';

const client = localDynamoClient(process.env.DYNAMODB_ENDPOINT!);
const prefix = `es${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const store = new DynamoDbEventStore({ client, tableName: tableName(EVENTS_TABLE, prefix) });
let n = 0;
const fresh = (): StreamRef => taskStream(`t-${prefix}-${++n}`);

beforeAll(async () => {
  await createTables(client, [EVENTS_TABLE], prefix);
});
afterAll(() => client.destroy());

test('appends to a new stream at sequence 0 and reads the events back with their envelope', async () => {
  const stream = fresh();
  const events = sampleEvents(3);
  const result = await store.append({ stream, expectedSequence: 0, events });
  expect(result.status).toBe('appended');
  const read = await store.readStream(stream);
  expect(read.map((e) => e.sequence)).toEqual([1, 2, 3]);
  expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
  expect(read[0]).toMatchObject({ stream, type: 'TaskQueued', data: { position: 1 } });
  expect(Date.parse(read[0]!.recordedAt)).not.toBeNaN();
});

test('an append at a stale expected sequence is a conflict and writes nothing', async () => {
  const stream = fresh();
  await store.append({ stream, expectedSequence: 0, events: sampleEvents(2) });
  const stale = await store.append({ stream, expectedSequence: 1, events: sampleEvents(2) });
  expect(stale).toEqual({ status: 'conflict', streams: [stream] });
  expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ userId: 'u-1', position: 1 }, { userId: 'u-1', position: 2 }]);
});

test('20 concurrent appends at the same expected sequence: exactly one wins, the others get conflict', async () => {
  const stream = fresh();
  await store.append({ stream, expectedSequence: 0, events: [sampleEvent(1)] });
  const contenders = Array.from({ length: 20 }, (_, i) => [sampleEvent(100 + i)]);
  const results = await Promise.all(contenders.map((events) => store.append({ stream, expectedSequence: 1, events })));
  expect(results.filter((r) => r.status === 'appended')).toHaveLength(1);
  expect(results.filter((r) => r.status === 'conflict')).toHaveLength(19);
  const winner = contenders[results.findIndex((r) => r.status === 'appended')]![0]!;
  const stored = await store.readStream(stream);
  expect(stored.map((e) => e.id)).toEqual([expect.any(String), winner.id]);
});

test('20 concurrent multi-event (transactional) appends: exactly one wins', async () => {
  const stream = fresh();
  const results = await Promise.all(
    Array.from({ length: 20 }, () => store.append({ stream, expectedSequence: 0, events: sampleEvents(3) })),
  );
  expect(results.filter((r) => r.status === 'appended')).toHaveLength(1);
  expect(await store.readStream(stream)).toHaveLength(3);
});

test('a multi-stream append is all-or-nothing', async () => {
  const task = fresh();
  const user = userStream(`u-${prefix}-${++n}`);
  await store.append({ stream: user, expectedSequence: 0, events: [sampleEvent(1)] });
  // The user stream moved on (sequence 1), so the second part conflicts: the task part must not land.
  const result = await store.appendMany(
    [
      { stream: task, expectedSequence: 0, events: sampleEvents(2) },
      { stream: user, expectedSequence: 0, events: [sampleEvent(2)] },
    ],
    { idempotencyToken: `cmd-${task.id}` },
  );
  expect(result).toEqual({ status: 'conflict', streams: [user] });
  expect(await store.readStream(task)).toEqual([]);
  expect(await store.readStream(user)).toHaveLength(1);

  const ok = await store.appendMany(
    [
      { stream: task, expectedSequence: 0, events: sampleEvents(2) },
      { stream: user, expectedSequence: 1, events: [sampleEvent(2)] },
    ],
    { idempotencyToken: `cmd2-${task.id}` },
  );
  expect(ok.status).toBe('appended');
  expect(await store.readStream(task)).toHaveLength(2);
  expect(await store.readStream(user)).toHaveLength(2);
});

test('a retried multi-stream append with the same token does not duplicate', async () => {
  const task = fresh();
  const user = userStream(`u-${prefix}-${++n}`);
  const requests = [
    { stream: task, expectedSequence: 0, events: sampleEvents(1) },
    { stream: user, expectedSequence: 0, events: sampleEvents(1) },
  ];
  const first = await store.appendMany(requests, { idempotencyToken: 'same-token' + task.id });
  const retry = await store.appendMany(requests, { idempotencyToken: 'same-token' + task.id });
  expect(first.status).toBe('appended');
  expect(retry.status).toBe('appended');
  if (retry.status === 'appended') expect(retry.events.map((e) => e.id)).toEqual(requests.flatMap((r) => r.events.map((e) => e.id)));
  expect(await store.readStream(task)).toHaveLength(1);
  expect(await store.readStream(user)).toHaveLength(1);
});

test('a retried single append of the same events (e.g. after a timeout) reports appended, not conflict', async () => {
  const stream = fresh();
  const events = [sampleEvent(1)];
  expect((await store.append({ stream, expectedSequence: 0, events })).status).toBe('appended');
  expect((await store.append({ stream, expectedSequence: 0, events })).status).toBe('appended');
  expect(await store.readStream(stream)).toHaveLength(1);
});

test('a 2,000-event stream (several 1 MB query pages) reads back complete and in order', async () => {
  const stream = fresh();
  // A long trace id makes each item ~800 bytes, so the stream spans more than one 1 MB page.
  const metadata = { actor: 'system', traceId: 't'.repeat(200) };
  for (let seq = 0; seq < 2000; seq += 100) {
    const batch = sampleEvents(100).map((e, i) => ({ ...e, data: { userId: 'u-1', position: seq + i + 1 }, causationId: 'c'.repeat(128), metadata }));
    expect((await store.append({ stream, expectedSequence: seq, events: batch as never })).status).toBe('appended');
  }
  const read = await store.readStream(stream);
  expect(Buffer.byteLength(JSON.stringify(read))).toBeGreaterThan(1024 * 1024);
  expect(read).toHaveLength(2000);
  expect(read.every((e, i) => e.sequence === i + 1 && (e.data as { position: number }).position === i + 1)).toBe(true);
  const slice = await store.readStream(stream, { fromSequence: 1500, toSequence: 1504 });
  expect(slice.map((e) => e.sequence)).toEqual([1500, 1501, 1502, 1503, 1504]);
}, 60_000);

test('an invalid event is refused with a message that names the field, and nothing is written', async () => {
  const stream = fresh();
  const bad = { ...sampleEvent(1), data: { userId: 'u-1', position: 0, extra: true } } as never;
  await expect(store.append({ stream, expectedSequence: 0, events: [bad] })).rejects.toThrow(EventValidationError);
  await expect(store.append({ stream, expectedSequence: 0, events: [bad] })).rejects.toThrow(/data\.position must be >= 1/);
  await expect(store.append({ stream, expectedSequence: 0, events: [bad] })).rejects.toThrow(/data\.extra is not allowed/);
  expect(await store.readStream(stream)).toEqual([]);
});

test('lists streams by type and reads everything for rebuilds', async () => {
  const p2 = `${prefix}b`;
  await createTables(client, [EVENTS_TABLE], p2);
  const own = new DynamoDbEventStore({ client, tableName: tableName(EVENTS_TABLE, p2) });
  await own.append({ stream: taskStream('a'), expectedSequence: 0, events: sampleEvents(2) });
  await own.append({ stream: taskStream('b'), expectedSequence: 0, events: sampleEvents(1) });
  await own.append({ stream: userStream('u'), expectedSequence: 0, events: sampleEvents(3) });
  const tasks: StreamRef[] = [];
  for await (const s of own.listStreams('Task')) tasks.push(s);
  expect(tasks.sort((a, b) => a.id.localeCompare(b.id))).toEqual([taskStream('a'), taskStream('b')]);
  const all = [];
  for await (const e of own.readAll()) all.push(`${e.stream.type}#${e.stream.id}@${e.sequence}`);
  expect(all.sort()).toEqual(['Task#a@1', 'Task#a@2', 'Task#b@1', 'User#u@1', 'User#u@2', 'User#u@3']);
});
