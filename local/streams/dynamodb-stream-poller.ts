/**
 * Plays the part of Lambda's DynamoDB Streams event source mapping on one machine: reads the
 * table's stream (DynamoDB Local serves the Streams API), invokes the same handler the Lambda runs
 * with Lambda-shaped batches, honours partial batch failures (retry from the first failed record,
 * with backoff), and checkpoints durably after each successful batch so a restart resumes there.
 * Shards are read parent first, each in order.
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
  /** Pause between empty reads (Lambda polls a shard about 4 times a second). */
  readonly idleDelayMs?: number;
  readonly retryBaseDelayMs?: number;
  readonly log?: (message: string, extra?: Record<string, unknown>) => void;
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once every shard has been read up to its end at least once after this call. */
  caughtUp(): Promise<void>;
}

const CLOSED = 'CLOSED';

export async function startDynamoStreamPoller(options: DynamoStreamPollerOptions): Promise<StreamPoller> {
  const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream; it must be created with StreamSpecification NEW_IMAGE`);
  const batchSize = options.batchSize ?? 100;
  const idleDelayMs = options.idleDelayMs ?? 50;
  const retryBase = options.retryBaseDelayMs ?? 100;
  const log = options.log ?? (() => undefined);
  let stopped = false;
  let waiters: Array<{ pass: number; resolve: () => void }> = [];
  let pass = 0;

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

  /** Reads one shard until it is empty (open shard) or ended (closed). Returns true if it ended. */
  async function drainShard(shardId: string): Promise<boolean> {
    let iterator = await iteratorFor(shardId);
    let failures = 0;
    while (iterator && !stopped) {
      const out = await options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
      const records = out.Records ?? [];
      if (records.length === 0) {
        if (!out.NextShardIterator) break;
        return false; // caught up on an open shard
      }
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
    return !stopped;
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
    while (!stopped) {
      try {
        const shards = await listShards();
        const known = new Set(shards.map((s) => s.ShardId!));
        let anyWork = false;
        for (const shard of shards) {
          if (stopped) break;
          const id = shard.ShardId!;
          if (finished.has(id)) continue;
          // A child waits until its parent is fully read (unless the parent has aged out).
          if (shard.ParentShardId && known.has(shard.ParentShardId) && !finished.has(shard.ParentShardId)) continue;
          const ended = await drainShard(id);
          if (ended && shard.SequenceNumberRange?.EndingSequenceNumber) finished.add(id);
          anyWork = true;
        }
        pass++;
        const ready = waiters.filter((w) => pass > w.pass);
        waiters = waiters.filter((w) => pass <= w.pass);
        ready.forEach((w) => w.resolve());
        if (!stopped) await sleep(anyWork ? idleDelayMs : idleDelayMs * 4);
      } catch (err) {
        if (stopped) break;
        log('poller error; retrying', { error: (err as Error).message });
        await sleep(retryBase * 10);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      waiters.forEach((w) => w.resolve());
    },
    caughtUp() {
      // A full pass that started after this call has read every shard to its current end.
      return new Promise((resolve) => waiters.push({ pass: pass + 1, resolve }));
    },
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
