/**
 * Test helpers around an in-process kinesalite: a running instance with a client, unique stream
 * names, reading a whole stream back, an in-memory CheckpointStore and a fault-injecting client.
 */
import { randomBytes } from 'node:crypto';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import type { PutRecordsClient } from '../../../agent/telemetry/telemetry-publisher';
import type { CheckpointStore } from '../../streams/checkpoints';
import { ensureStream, kinesisClient, startKinesalite, type KinesaliteOptions, type LocalKinesis } from '../kinesalite';

export interface KinesisKit {
  readonly kinesis: LocalKinesis;
  readonly client: KinesisClient;
  /** A stream name no other test uses. */
  streamName(label?: string): string;
  /** Creates a stream with a fresh name; returns the name. */
  createStream(shards?: number, label?: string): Promise<string>;
  /** Every record of the stream, shard by shard (each shard in order). */
  readAll(streamName: string): Promise<StoredRecord[]>;
  dispose(): Promise<void>;
}

export interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: string;
}

export async function startKinesisKit(options: KinesaliteOptions = {}): Promise<KinesisKit> {
  const kinesis = await startKinesalite({ shardLimit: 1000, ...options });
  const client = kinesisClient(kinesis.endpoint);
  const streamName = (label = 's') => `${label}-${randomBytes(4).toString('hex')}`;
  return {
    kinesis,
    client,
    streamName,
    async createStream(shards = 1, label) {
      const name = streamName(label);
      await ensureStream(client, name, shards);
      return name;
    },
    readAll: (name) => readAll(client, name),
    async dispose() {
      client.destroy();
      await kinesis.stop();
    },
  };
}

export async function readAll(client: KinesisClient, streamName: string): Promise<StoredRecord[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const out: StoredRecord[] = [];
  for (const shard of Shards) {
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      for (const r of records) {
        out.push({ shardId: shard.ShardId!, sequenceNumber: r.SequenceNumber!, partitionKey: r.PartitionKey!, data: Buffer.from(r.Data!).toString('utf8') });
      }
      if (records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

export class MemoryCheckpointStore implements CheckpointStore {
  readonly positions = new Map<string, string>();
  readonly writes: Array<{ id: string; position: string }> = [];
  async get(id: string): Promise<string | undefined> {
    return this.positions.get(id);
  }
  async put(id: string, position: string): Promise<void> {
    this.positions.set(id, position);
    this.writes.push({ id, position });
  }
}

/**
 * A PutRecords client that injects faults before delegating: `failCalls` whole calls throw first,
 * then `failRecords` calls report every other record failed (as Kinesis does under throttling).
 */
export class FaultyKinesis implements PutRecordsClient {
  calls = 0;
  thrown = 0;
  partialFailures = 0;
  readonly sentBatches: number[] = [];

  constructor(
    private readonly inner: KinesisClient,
    private failCalls = 0,
    private failRecords = 0,
  ) {}

  async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    this.calls++;
    if (this.failCalls > 0) {
      this.failCalls--;
      this.thrown++;
      throw Object.assign(new Error('injected: connection reset'), { name: 'TimeoutError' });
    }
    const records = command.input.Records ?? [];
    if (this.failRecords > 0 && records.length > 1) {
      this.failRecords--;
      this.partialFailures++;
      // Put only the even-indexed records; report the odd ones throttled.
      const kept = records.filter((_, i) => i % 2 === 0);
      const out = await this.inner.send(new PutRecordsCommand({ ...command.input, Records: kept }));
      let k = 0;
      const results = records.map((_, i) =>
        i % 2 === 0 ? out.Records![k++]! : { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'injected: rate exceeded for shard' },
      );
      this.sentBatches.push(kept.length);
      return { ...out, FailedRecordCount: records.length - kept.length, Records: results };
    }
    this.sentBatches.push(records.length);
    return this.inner.send(command);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns true (or throws after `timeoutMs`). The deadline is only a guard
 * against a hang: a loaded machine may take many seconds to get there, so keep it long.
 */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}
