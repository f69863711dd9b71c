/**
 * Plays the part of Lambda's DynamoDB Streams event source mapping on one machine: reads the
 * table's stream (DynamoDB Local serves the Streams API), invokes the same handler the Lambda runs
 * with Lambda-shaped batches, honours partial batch failures (retry from the first failed record,
 * with backoff), and checkpoints durably after each successful batch so a restart resumes there.
 * Shards are read parent first, each in order.
 *
 * Waiting for data: an open shard's iterator is kept from one read to the next (as Lambda's
 * pollers keep theirs; the checkpoint is read again only after a failure or a restart), and after
 * a read that found nothing the poller waits — until `wake()` (the platform calls it when this
 * process has written to the table: see ./write-signal.ts) or, for writes it is not told about
 * (another process), an idle delay that starts short and doubles while the stream stays empty,
 * back to short as soon as records come. No fixed poll interval sits between a write and its
 * delivery.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CheckpointStore } from './checkpoints';

export interface DynamoStreamPollerOptions {
  readonly name: string;
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  readonly checkpoints: CheckpointStore;
  readonly batchSize?: number;
  /** First pause after a read that found nothing (default 25 ms); it doubles while the stream stays empty... */
  readonly idleDelayMs?: number;
  /** ... up to this (default 1000 ms). A `wake()` or new records bring it back to `idleDelayMs`. */
  readonly maxIdleDelayMs?: number;
  /** How often the shard list is read again (new shards; default 5 s, and at once when a shard ends). */
  readonly shardRefreshMs?: number;
  readonly retryBaseDelayMs?: number;
  readonly log?: (message: string, extra?: Record<string, unknown>) => void;
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once every shard has been read up to its end at least once after this call. */
  caughtUp(): Promise<void>;
  /** Records may be waiting (this process wrote to the table): read now instead of after the idle delay. */
  wake(): void;
}

const CLOSED = 'CLOSED';

export async function startDynamoStreamPoller(options: DynamoStreamPollerOptions): Promise<StreamPoller> {
  const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream; it must be created with StreamSpecification NEW_IMAGE`);
  const batchSize = options.batchSize ?? 100;
  const idleDelayMs = options.idleDelayMs ?? 25;
  const maxIdleDelayMs = Math.max(idleDelayMs, options.maxIdleDelayMs ?? 1000);
  const shardRefreshMs = options.shardRefreshMs ?? 5000;
  const retryBase = options.retryBaseDelayMs ?? 100;
  const log = options.log ?? (() => undefined);
  let stopped = false;
  let waiters: Array<{ pass: number; resolve: () => void }> = [];
  let pass = 0;
  /** The next iterator of each open shard read to its end (kept between reads, as Lambda keeps its own). */
  const iterators = new Map<string, string>();
  /** Set by wake(): a pass must follow, even if it was woken while reading. */
  let woken = false;
  let interrupt: (() => void) | undefined;

  /** Waits `ms`, or less when woken (or stopped). Returns whether it was woken. */
  function idle(ms: number): Promise<boolean> {
    if (woken || stopped) return Promise.resolve(woken);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      function done(wake: boolean) {
        clearTimeout(timer);
        interrupt = undefined;
        resolve(wake);
      }
      interrupt = () => done(true);
    });
  }

  function wake(): void {
    woken = true;
    interrupt?.();
  }

  const checkpointId = (shardId: string) => `${options.name}|${streamArn}|${shardId}`;

  async function listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const position = await options.checkpoints.get(checkpointId(shardId));
    if (position === CLOSED) return undefined;
    const out = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(position ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  /**
   * Reads one shard until it is empty (open shard) or ended (closed). Returns whether it ended and
   * how many records it handed to the handler.
   */
  async function drainShard(shardId: string): Promise<{ ended: boolean; records: number }> {
    // A kept iterator is used once: if the read fails, the next pass starts from the checkpoint.
    let iterator = iterators.get(shardId) ?? (await iteratorFor(shardId));
    iterators.delete(shardId);
    let failures = 0;
    let delivered = 0;
    while (iterator && !stopped) {
      const out = await options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
      const records = out.Records ?? [];
      if (records.length === 0) {
        if (!out.NextShardIterator) break;
        iterators.set(shardId, out.NextShardIterator);
        return { ended: false, records: delivered }; // caught up on an open shard
      }
      delivered += records.length;
      const failedAt = await invoke(records);
      if (failedAt === undefined) {
        await options.checkpoints.put(checkpointId(shardId), records.at(-1)!.dynamodb!.SequenceNumber!);
        failures = 0;
        iterator = out.NextShardIterator;
        continue;
      }
      // Keep what succeeded, retry from the first failed record after a backoff.
      const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === failedAt);
      if (index > 0) await options.checkpoints.put(checkpointId(shardId), records[index - 1]!.dynamodb!.SequenceNumber!);
      failures++;
      const delay = Math.min(30_000, retryBase * 2 ** Math.min(failures, 8));
      log('batch failed; retrying', { shardId, failedAt, attempt: failures, delayMs: delay });
      await sleep(delay);
      iterator = await iteratorFor(shardId);
    }
    if (!stopped && !iterator) await options.checkpoints.put(checkpointId(shardId), CLOSED);
    return { ended: !stopped, records: delivered };
  }

  /** Runs the handler; returns the sequence number to retry from, or undefined when all succeeded. */
  async function invoke(records: StreamRecord[]): Promise<string | undefined> {
    const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, streamArn!)) };
    try {
      const response = await options.handler(event);
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return undefined;
      // Lambda resumes from the lowest failed sequence number.
      const order = records.map((r) => r.dynamodb!.SequenceNumber!);
      return failures.map((f) => f.itemIdentifier).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
    } catch (err) {
      log('handler threw; the whole batch is retried', { error: (err as Error).message });
      return records[0]!.dynamodb!.SequenceNumber!;
    }
  }

  const loop = (async () => {
    const finished = new Set<string>();
    let shards: Shard[] = [];
    let shardsReadAt = -Infinity;
    let delay = idleDelayMs;
    while (!stopped) {
      try {
        woken = false;
        if (Date.now() - shardsReadAt >= shardRefreshMs) {
          shards = await listShards();
          shardsReadAt = Date.now();
        }
        const known = new Set(shards.map((s) => s.ShardId!));
        let records = 0;
        for (const shard of shards) {
          if (stopped) break;
          const id = shard.ShardId!;
          if (finished.has(id)) continue;
          // A child waits until its parent is fully read (unless the parent has aged out).
          if (shard.ParentShardId && known.has(shard.ParentShardId) && !finished.has(shard.ParentShardId)) continue;
          const drained = await drainShard(id);
          records += drained.records;
          if (drained.ended) {
            if (shard.SequenceNumberRange?.EndingSequenceNumber) finished.add(id);
            shardsReadAt = -Infinity; // its children may be new
          }
        }
        pass++;
        const ready = waiters.filter((w) => pass > w.pass);
        waiters = waiters.filter((w) => pass <= w.pass);
        ready.forEach((w) => w.resolve());
        if (stopped) break;
        // Records came: look again soon. Nothing: wait longer each time, unless woken.
        delay = records > 0 ? idleDelayMs : delay;
        const wasWoken = await idle(delay);
        delay = wasWoken || records > 0 ? idleDelayMs : Math.min(maxIdleDelayMs, delay * 2);
      } catch (err) {
        if (stopped) break;
        log('poller error; retrying', { error: (err as Error).message });
        iterators.clear();
        shardsReadAt = -Infinity;
        await sleep(retryBase * 10);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      interrupt?.();
      await loop;
      waiters.forEach((w) => w.resolve());
    },
    caughtUp() {
      // A full pass that started after this call has read every shard to its current end.
      const caught = new Promise<void>((resolve) => waiters.push({ pass: pass + 1, resolve }));
      wake();
      return caught;
    },
    wake,
  };
}

function toLambdaRecord(r: StreamRecord, streamArn: string): DynamoDBRecord {
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime ? r.dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined,
      Keys: r.dynamodb?.Keys as never,
      NewImage: r.dynamodb?.NewImage as never,
      OldImage: r.dynamodb?.OldImage as never,
      SequenceNumber: r.dynamodb?.SequenceNumber,
      SizeBytes: r.dynamodb?.SizeBytes,
      StreamViewType: r.dynamodb?.StreamViewType as never,
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
