/**
 * Plays the part of Lambda's Kinesis event source mapping on one machine: reads every shard of a
 * stream (kinesalite serves the Kinesis API), invokes the same handler the Lambda runs with
 * Lambda-shaped `KinesisStreamEvent` batches, and keeps its position in a durable CheckpointStore
 * so that a restart resumes after the last acknowledged record.
 *
 * - Each shard is read by its own loop (one batch in flight per shard, as Lambda with a
 *   parallelization factor of 1): a shard whose batch keeps failing does not hold up the others.
 *   Shards are read parent first after a reshard.
 * - Start position: AFTER_SEQUENCE_NUMBER of the shard's checkpoint, else TRIM_HORIZON.
 * - ReportBatchItemFailures: the handler may return `batchItemFailures`; the records before the
 *   lowest failed sequence number are acknowledged (checkpointed) and reading resumes at it, after
 *   an exponential backoff. An identifier that is not in the batch, or a handler that throws, fails
 *   the whole batch. With `maxRetryAttempts` (default: retry until it succeeds, like Lambda's -1),
 *   a batch that keeps failing is handed to `onFailure` (the on-failure destination) and skipped.
 * - The checkpoint is written after each successful batch; a crash between the handler's success
 *   and the checkpoint re-delivers that batch (at-least-once, as in AWS).
 * - Waiting for data: a shard read to its end waits until `wake()` (the platform calls it when
 *   kinesalite has taken a put: LocalKinesis.onPut) or an idle delay that starts short and doubles
 *   while the shard stays empty (back to short when records come) — no fixed poll interval between
 *   a put and its delivery, as with Kinesis's enhanced fan-out.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { CheckpointStore } from '../streams/checkpoints';

type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;

export interface KinesisPollerOptions {
  /** Names the mapping: checkpoints are kept per (name, stream, shard). */
  readonly name: string;
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly handler: KinesisHandler;
  readonly checkpoints: CheckpointStore;
  /** Records per batch (GetRecords Limit), default 100. */
  readonly batchSize?: number;
  /** First pause after a shard was read to its end (default 25 ms); doubles while it stays empty... */
  readonly idleDelayMs?: number;
  /** ... up to this (default 1000 ms). `wake()` or new records bring it back to `idleDelayMs`. */
  readonly maxIdleDelayMs?: number;
  /** Backoff after a failed batch: base × 2^attempt, capped (defaults 100 ms, 30 s). */
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /** Failed attempts of one batch before it is given to `onFailure` and skipped; default: never. */
  readonly maxRetryAttempts?: number;
  /** The on-failure destination: records skipped after `maxRetryAttempts`. */
  readonly onFailure?: (failure: { readonly shardId: string; readonly records: readonly KinesisStreamRecord[]; readonly error?: string }) => Promise<void> | void;
  /** How often the shard list is refreshed (reshards), default 5 s. */
  readonly shardRefreshMs?: number;
  readonly region?: string;
  readonly log?: (message: string, extra?: Record<string, unknown>) => void;
}

export interface KinesisPoller {
  /** Stops reading; waits for batches in flight to finish (and be checkpointed). */
  stop(): Promise<void>;
  /** Resolves once every shard has been read up to its end at least once after this call. */
  caughtUp(): Promise<void>;
  /** The stream's ARN (`eventSourceARN` of the records). */
  readonly streamArn: string;
  /** Records may have been put: shards waiting at their end read now. */
  wake(): void;
}

/** Checkpoint value of a closed shard read to its end. */
const CLOSED = 'CLOSED';

interface ShardState {
  readonly shard: Shard;
  /** Times the shard was read to its (current) end. */
  ends: number;
  finished: boolean;
  running: boolean;
}

export async function startKinesisPoller(options: KinesisPollerOptions): Promise<KinesisPoller> {
  const { client, streamName } = options;
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN;
  if (!streamArn) throw new Error(`Kinesis stream ${streamName} has no ARN (DescribeStreamSummary)`);
  const region = options.region ?? streamArn.split(':')[3] ?? 'us-east-1';
  const batchSize = options.batchSize ?? 100;
  const idleDelayMs = options.idleDelayMs ?? 25;
  const maxIdleDelayMs = Math.max(idleDelayMs, options.maxIdleDelayMs ?? 1000);
  const retryBase = options.retryBaseDelayMs ?? 100;
  const retryMax = options.retryMaxDelayMs ?? 30_000;
  const refreshMs = options.shardRefreshMs ?? 5_000;
  const log = options.log ?? (() => undefined);

  let stopped = false;
  const wakers = new Set<() => void>();
  /** Shards waiting at their end; wake() ends their wait. */
  const idlers = new Set<() => void>();
  /** Bumped by wake(): a shard that was reading when it came does not wait afterwards. */
  let wakes = 0;
  const shards = new Map<string, ShardState>();
  const workers = new Set<Promise<void>>();
  let waiters: Array<{ snapshot: Map<string, number>; resolve: () => void }> = [];

  const checkpointId = (shardId: string) => `${options.name}|${streamArn}|${shardId}`;

  /** A sleep that stop() cuts short. */
  function sleep(ms: number): Promise<void> {
    if (stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });
  }

  /** Waits at a shard's end: `ms`, or less when woken or stopped. Returns whether it was woken. */
  function idle(ms: number, since: number): Promise<boolean> {
    if (stopped || wakes !== since) return Promise.resolve(wakes !== since);
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        idlers.delete(onWake);
        wakers.delete(onStop);
        resolve(woken);
      };
      const onWake = () => done(true);
      const onStop = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      idlers.add(onWake);
      wakers.add(onStop);
    });
  }

  function wake(): void {
    wakes++;
    [...idlers].forEach((w) => w());
  }

  function notify(): void {
    if (waiters.length === 0) return;
    const states = [...shards.values()];
    const done = (w: { snapshot: Map<string, number> }) => states.every((s) => s.finished || s.ends > (w.snapshot.get(s.shard.ShardId!) ?? 0));
    const ready = waiters.filter(done);
    if (ready.length === 0) return;
    waiters = waiters.filter((w) => !ready.includes(w));
    ready.forEach((w) => w.resolve());
  }

  async function listShards(): Promise<Shard[]> {
    const list: Shard[] = [];
    let token: string | undefined;
    do {
      const out = await client.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }));
      list.push(...(out.Shards ?? []));
      token = out.NextToken;
    } while (token);
    return list;
  }

  async function iteratorFor(shardId: string): Promise<string | undefined> {
    const position = await options.checkpoints.get(checkpointId(shardId));
    if (position === CLOSED) return undefined;
    const request = position
      ? { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: position }
      : { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' as const };
    try {
      return (await client.send(new GetShardIteratorCommand(request))).ShardIterator;
    } catch (err) {
      // A checkpoint that no longer fits the shard (the stream was deleted and created again under
      // the same name): start over from the oldest record; consumers are idempotent.
      if (position && (err as Error).name === 'InvalidArgumentException') {
        log('checkpoint does not fit the shard; reading from TRIM_HORIZON', { shardId, position, error: (err as Error).message });
        return (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      }
      throw err;
    }
  }

  /** Runs the handler; returns the sequence number to resume from, or undefined when all succeeded. */
  async function invoke(shardId: string, records: KinesisRecord[]): Promise<{ failedAt?: string; error?: string }> {
    const event: KinesisStreamEvent = { Records: records.map((r) => toLambdaRecord(r, shardId, streamArn!, region)) };
    try {
      const response = await options.handler(event);
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return {};
      const order = records.map((r) => r.SequenceNumber!);
      const positions = failures.map((f) => order.indexOf(f.itemIdentifier));
      // Lambda: an identifier that is empty or not in the batch fails the whole batch.
      if (positions.some((p) => p < 0)) return { failedAt: order[0], error: 'batchItemFailures named a record not in the batch' };
      return { failedAt: order[Math.min(...positions)], error: `${failures.length} record(s) reported failed` };
    } catch (err) {
      return { failedAt: records[0]!.SequenceNumber!, error: `handler threw: ${(err as Error).message}` };
    }
  }

  /** Reads one shard until stop (open shard) or its end (closed shard). */
  async function readShard(state: ShardState): Promise<void> {
    const shardId = state.shard.ShardId!;
    let iterator: string | undefined;
    let fresh = true; // the iterator must be (re)built from the checkpoint
    let attempts = 0;
    let idleDelay = idleDelayMs;
    while (!stopped) {
      try {
        const seen = wakes;
        if (fresh) {
          iterator = await iteratorFor(shardId);
          fresh = false;
          if (!iterator) break; // closed and fully read before
        }
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
        const records = out.Records ?? [];
        if (records.length === 0) {
          iterator = out.NextShardIterator;
          if (!iterator) break; // a closed shard, read to its end
          if ((out.MillisBehindLatest ?? 0) === 0) {
            state.ends++;
            notify();
            const woken = await idle(idleDelay, seen);
            idleDelay = woken ? idleDelayMs : Math.min(maxIdleDelayMs, idleDelay * 2);
          }
          continue;
        }
        idleDelay = idleDelayMs;
        const { failedAt, error } = await invoke(shardId, records);
        if (failedAt === undefined) {
          await options.checkpoints.put(checkpointId(shardId), records.at(-1)!.SequenceNumber!);
          attempts = 0;
          iterator = out.NextShardIterator;
          if (!iterator) break;
          continue;
        }
        // Keep what succeeded; retry from the first failed record after a backoff.
        const index = records.findIndex((r) => r.SequenceNumber === failedAt);
        if (index > 0) await options.checkpoints.put(checkpointId(shardId), records[index - 1]!.SequenceNumber!);
        attempts++;
        if (options.maxRetryAttempts !== undefined && attempts > options.maxRetryAttempts) {
          const skipped = records.slice(Math.max(index, 0));
          log('batch failed too often; sent to the on-failure destination and skipped', { shardId, failedAt, attempts, records: skipped.length, error });
          await options.onFailure?.({ shardId, records: skipped.map((r) => toLambdaRecord(r, shardId, streamArn!, region)), ...(error ? { error } : {}) });
          await options.checkpoints.put(checkpointId(shardId), records.at(-1)!.SequenceNumber!);
          attempts = 0;
          iterator = out.NextShardIterator;
          if (!iterator) break;
          continue;
        }
        const delay = Math.min(retryMax, retryBase * 2 ** Math.min(attempts - 1, 16));
        log('batch failed; retrying', { shardId, failedAt, attempt: attempts, delayMs: delay, error });
        await sleep(delay);
        fresh = true;
      } catch (err) {
        if (stopped) break;
        // Expired iterator, throttling, the stream briefly gone, the checkpoint store down: rebuild from the checkpoint.
        log('shard read failed; retrying', { shardId, error: `${(err as Error).name}: ${(err as Error).message}` });
        await sleep(Math.max(retryBase * 10, idleDelayMs));
        fresh = true;
      }
    }
    if (!stopped) {
      await options.checkpoints.put(checkpointId(shardId), CLOSED);
      state.finished = true;
      log('shard finished', { shardId });
    }
  }

  function startReady(): void {
    for (const state of shards.values()) {
      if (state.running || state.finished || stopped) continue;
      // A child waits until its parents are read to their end (unless they have aged out).
      const parents = [state.shard.ParentShardId, state.shard.AdjacentParentShardId].filter((p): p is string => !!p);
      if (parents.some((p) => shards.has(p) && !shards.get(p)!.finished)) continue;
      state.running = true;
      const worker = readShard(state).finally(() => {
        state.running = false;
        workers.delete(worker);
        notify();
        startReady();
      });
      workers.add(worker);
    }
  }

  const refresher = (async () => {
    while (!stopped) {
      try {
        for (const shard of await listShards()) {
          if (!shards.has(shard.ShardId!)) shards.set(shard.ShardId!, { shard, ends: 0, finished: false, running: false });
        }
        startReady();
        notify();
      } catch (err) {
        if (stopped) break;
        log('listing shards failed; retrying', { error: `${(err as Error).name}: ${(err as Error).message}` });
      }
      await sleep(refreshMs);
    }
  })();

  return {
    streamArn,
    async stop() {
      stopped = true;
      [...wakers].forEach((wake) => wake());
      await refresher;
      while (workers.size > 0) await Promise.all([...workers]);
      waiters.forEach((w) => w.resolve());
      waiters = [];
    },
    caughtUp() {
      if (stopped) return Promise.resolve();
      const caught = new Promise<void>((resolve) => {
        waiters.push({ snapshot: new Map([...shards].map(([id, s]) => [id, s.ends])), resolve });
      });
      wake();
      return caught;
    },
    wake,
  };
}

/** A Kinesis record as Lambda delivers it (data base64, arrival time in epoch seconds). */
function toLambdaRecord(r: KinesisRecord, shardId: string, streamArn: string, region: string): KinesisStreamRecord {
  const arrival = r.ApproximateArrivalTimestamp;
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.PartitionKey!,
      sequenceNumber: r.SequenceNumber!,
      data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrival ? arrival.getTime() / 1000 : Date.now() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${r.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${streamArn.split(':')[4] ?? '000000000000'}:role/local-kinesis-poller`,
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}
