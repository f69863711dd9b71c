/** The local Kinesis event source against kinesalite: Lambda-shaped batches, checkpoints, partial failures. */
import { DescribeStreamSummaryCommand, ListShardsCommand, PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { startKinesisPoller, type KinesisPoller, type KinesisPollerOptions } from './kinesis-poller';
import { eventually, MemoryCheckpointStore, sleep, startKinesisKit, type KinesisKit } from './testing/kinesis-test-kit';

// A guard only: the waits below are for conditions, which a loaded machine may take long to reach.
jest.setTimeout(60_000);

let kit: KinesisKit;
beforeAll(async () => {
  kit = await startKinesisKit();
});
afterAll(async () => kit.dispose());

const running: KinesisPoller[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

async function put(streamName: string, items: ReadonlyArray<{ key: string; data: string }>): Promise<string[]> {
  const out = await kit.client.send(
    new PutRecordsCommand({ StreamName: streamName, Records: items.map((i) => ({ PartitionKey: i.key, Data: Buffer.from(i.data) })) }),
  );
  expect(out.FailedRecordCount).toBe(0);
  return out.Records!.map((r) => r.SequenceNumber!);
}

const items = (key: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ key, data: `${key}:${from + i}` }));
const dataOf = (r: KinesisStreamRecord) => Buffer.from(r.kinesis.data, 'base64').toString('utf8');

async function poller(options: Partial<KinesisPollerOptions> & Pick<KinesisPollerOptions, 'streamName' | 'handler' | 'checkpoints'>): Promise<KinesisPoller> {
  const p = await startKinesisPoller({ name: 'test', client: kit.client, idleDelayMs: 10, retryBaseDelayMs: 10, shardRefreshMs: 100, ...options });
  running.push(p);
  return p;
}

test('invokes the handler with Lambda-shaped Kinesis events, in order, and checkpoints after each batch', async () => {
  const streamName = await kit.createStream(1);
  const sequences = await put(streamName, items('task-1', 1, 5));
  const batches: KinesisStreamEvent[] = [];
  const checkpoints = new MemoryCheckpointStore();
  const p = await poller({ streamName, checkpoints, batchSize: 2, handler: async (e) => void batches.push(e) });
  await p.caughtUp();

  const records = batches.flatMap((b) => b.Records);
  expect(records.map(dataOf)).toEqual(['task-1:1', 'task-1:2', 'task-1:3', 'task-1:4', 'task-1:5']);
  expect(batches.map((b) => b.Records.length)).toEqual([2, 2, 1]);
  const [first] = records;
  expect(first).toEqual({
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'task-1',
      sequenceNumber: sequences[0],
      data: Buffer.from('task-1:1').toString('base64'),
      approximateArrivalTimestamp: expect.any(Number),
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequences[0]}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::\d+:role\//),
    awsRegion: 'us-east-1',
    eventSourceARN: p.streamArn,
  });
  expect(p.streamArn).toMatch(new RegExp(`:stream/${streamName}$`));
  expect(Math.abs(first!.kinesis.approximateArrivalTimestamp - Date.now() / 1000)).toBeLessThan(60);
  expect([...checkpoints.positions.values()]).toEqual([sequences[4]]);
});

test('after a restart it resumes from its checkpoint: acknowledged records are not delivered again', async () => {
  const streamName = await kit.createStream(2);
  const checkpoints = new MemoryCheckpointStore();
  await put(streamName, [...items('a', 1, 10), ...items('b', 1, 10)]);
  const firstRun: string[] = [];
  const first = await poller({ streamName, checkpoints, handler: async (e) => void firstRun.push(...e.Records.map(dataOf)) });
  await first.caughtUp();
  await first.stop();
  expect(firstRun.sort()).toEqual([...items('a', 1, 10), ...items('b', 1, 10)].map((i) => i.data).sort());

  await put(streamName, [...items('a', 11, 13), ...items('b', 11, 12)]);
  const secondRun: string[] = [];
  const second = await poller({ streamName, checkpoints, handler: async (e) => void secondRun.push(...e.Records.map(dataOf)) });
  await second.caughtUp();
  expect(secondRun.sort()).toEqual(['a:11', 'a:12', 'a:13', 'b:11', 'b:12']);

  // Another mapping name has its own checkpoints: it reads from TRIM_HORIZON.
  const other: string[] = [];
  const third = await poller({ name: 'other', streamName, checkpoints, handler: async (e) => void other.push(...e.Records.map(dataOf)) });
  await third.caughtUp();
  expect(other).toHaveLength(25);
});

test('a stop between batches loses nothing: the next run starts after the last acknowledged batch', async () => {
  const streamName = await kit.createStream(1);
  const checkpoints = new MemoryCheckpointStore();
  await put(streamName, items('t', 1, 30));
  const seen: string[] = [];
  const first = await poller({
    streamName,
    checkpoints,
    batchSize: 5,
    handler: async (e) => {
      seen.push(...e.Records.map(dataOf));
      await sleep(20);
    },
  });
  await eventually(() => seen.length >= 10);
  await first.stop(); // the batch in flight finishes and is checkpointed
  const delivered = seen.length;
  expect(delivered % 5).toBe(0);
  const second = await poller({ streamName, checkpoints, batchSize: 5, handler: async (e) => void seen.push(...e.Records.map(dataOf)) });
  await second.caughtUp();
  expect(seen).toEqual(items('t', 1, 30).map((i) => i.data)); // each once, in order
});

test('batchItemFailures: the records before the first failure are kept; reading resumes at it', async () => {
  const streamName = await kit.createStream(1);
  const checkpoints = new MemoryCheckpointStore();
  await put(streamName, items('t', 1, 6));
  const calls: string[][] = [];
  let failOnce = true;
  const p = await poller({
    streamName,
    checkpoints,
    handler: async (e): Promise<KinesisStreamBatchResponse> => {
      calls.push(e.Records.map(dataOf));
      if (!failOnce) return { batchItemFailures: [] };
      failOnce = false;
      // Records 4 and 5 failed: Lambda resumes from the lowest (4).
      const failed = e.Records.filter((r) => ['t:5', 't:4'].includes(dataOf(r))).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber }));
      return { batchItemFailures: failed };
    },
  });
  await p.caughtUp();
  expect(calls).toEqual([
    ['t:1', 't:2', 't:3', 't:4', 't:5', 't:6'],
    ['t:4', 't:5', 't:6'],
  ]);
});

test('a handler that throws, or names a record not in the batch, has the whole batch retried', async () => {
  const streamName = await kit.createStream(1);
  await put(streamName, items('t', 1, 3));
  const calls: string[][] = [];
  const p = await poller({
    streamName,
    checkpoints: new MemoryCheckpointStore(),
    handler: async (e) => {
      calls.push(e.Records.map(dataOf));
      if (calls.length === 1) throw new Error('down');
      if (calls.length === 2) return { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] };
      return undefined;
    },
  });
  await p.caughtUp();
  expect(calls).toEqual([
    ['t:1', 't:2', 't:3'],
    ['t:1', 't:2', 't:3'],
    ['t:1', 't:2', 't:3'],
  ]);
});

test('with maxRetryAttempts, a batch that keeps failing goes to onFailure and is skipped', async () => {
  const streamName = await kit.createStream(1);
  await put(streamName, items('t', 1, 3));
  const skipped: string[][] = [];
  const later: string[] = [];
  let attempts = 0;
  const p = await poller({
    streamName,
    checkpoints: new MemoryCheckpointStore(),
    maxRetryAttempts: 2,
    onFailure: ({ records }) => void skipped.push(records.map(dataOf)),
    handler: async (e) => {
      const poison = e.Records.find((r) => dataOf(r) === 't:2');
      if (poison) {
        attempts++;
        later.push(...e.Records.filter((r) => dataOf(r) !== 't:2' && dataOf(r) !== 't:3').map(dataOf));
        return { batchItemFailures: [{ itemIdentifier: poison.kinesis.sequenceNumber }] };
      }
      later.push(...e.Records.map(dataOf));
      return undefined;
    },
  });
  await p.caughtUp();
  expect(attempts).toBe(3); // the first try and two retries
  expect(skipped).toEqual([['t:2', 't:3']]);
  await put(streamName, items('t', 4, 4));
  await eventually(() => later.includes('t:4'));
  expect(later).toEqual(['t:1', 't:4']);
});

test('a shard whose batch keeps failing does not hold up the other shards', async () => {
  const streamName = await kit.createStream(4);
  // Partition keys spread over the shards; one key's records always fail.
  const keys = Array.from({ length: 12 }, (_, i) => `task-${i}`);
  await put(streamName, keys.flatMap((k) => items(k, 1, 3)));
  const delivered = new Map<string, string[]>();
  const p = await poller({
    streamName,
    checkpoints: new MemoryCheckpointStore(),
    handler: async (e) => {
      const bad = e.Records.find((r) => r.kinesis.partitionKey === 'task-0');
      const ok = bad ? e.Records.slice(0, e.Records.indexOf(bad)) : e.Records;
      for (const r of ok) delivered.set(r.kinesis.partitionKey, [...(delivered.get(r.kinesis.partitionKey) ?? []), dataOf(r)]);
      return { batchItemFailures: bad ? [{ itemIdentifier: bad.kinesis.sequenceNumber }] : [] };
    },
  });
  // Every key on another shard than task-0's gets through, in order.
  const shardOf = new Map((await kit.readAll(streamName)).map((r) => [r.partitionKey, r.shardId]));
  const elsewhere = keys.filter((k) => shardOf.get(k) !== shardOf.get('task-0'));
  expect(elsewhere.length).toBeGreaterThan(0);
  await eventually(() => elsewhere.every((k) => delivered.get(k)?.length === 3));
  for (const [key, data] of delivered) expect(data).toEqual(items(key, 1, 3).map((i) => i.data));
  expect(delivered.has('task-0')).toBe(false);
  await p.stop();
});

test('caughtUp waits for records put after the call; stop cuts a backoff short', async () => {
  const streamName = await kit.createStream(1);
  const seen: string[] = [];
  const p = await poller({ streamName, checkpoints: new MemoryCheckpointStore(), handler: async (e) => void seen.push(...e.Records.map(dataOf)) });
  await p.caughtUp();
  expect(seen).toEqual([]);
  await put(streamName, items('t', 1, 2));
  await p.caughtUp();
  expect(seen).toEqual(['t:1', 't:2']);

  let failures = 0;
  const failing = await poller({
    name: 'failing',
    streamName,
    checkpoints: new MemoryCheckpointStore(),
    retryBaseDelayMs: 60_000,
    handler: async () => {
      failures++;
      throw new Error('no');
    },
  });
  await eventually(() => failures === 1); // it failed once: the 60 s backoff is under way (not a fixed 100 ms)
  const started = Date.now();
  await failing.stop();
  expect(Date.now() - started).toBeLessThan(30_000); // cut short, not the 60 s backoff
  expect(failures).toBe(1);
});

test('a stream that does not exist is reported at start', async () => {
  await expect(startKinesisPoller({ name: 'x', client: kit.client, streamName: 'missing-stream', handler: async () => undefined, checkpoints: new MemoryCheckpointStore() })).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});

test('after a reshard, the parent shard is read to its end before its children', async () => {
  const streamName = await kit.createStream(1);
  await put(streamName, items('t', 1, 5));
  const { Shards = [] } = await kit.client.send(new ListShardsCommand({ StreamName: streamName }));
  await kit.client.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: Shards[0]!.ShardId!, NewStartingHashKey: (2n ** 127n).toString() }));
  await eventually(async () => (await kit.client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE');
  await put(streamName, items('t', 6, 10));
  const seen: Array<{ data: string; shard: string }> = [];
  const checkpoints = new MemoryCheckpointStore();
  const p = await poller({ streamName, checkpoints, handler: async (e) => void seen.push(...e.Records.map((r) => ({ data: dataOf(r), shard: r.eventID.split(':')[0]! }))) });
  await eventually(() => seen.length === 10);
  await p.caughtUp();
  expect(seen.map((s) => s.data)).toEqual(items('t', 1, 10).map((i) => i.data));
  expect(new Set(seen.slice(0, 5).map((s) => s.shard))).toEqual(new Set([Shards[0]!.ShardId]));
  expect(seen[5]!.shard).not.toBe(Shards[0]!.ShardId);
  expect([...checkpoints.positions].find(([id]) => id.endsWith(`|${Shards[0]!.ShardId}`))?.[1]).toBe('CLOSED');
});
