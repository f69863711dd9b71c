/**
 * Local SQS-like queues, the targets `arn:aws:sqs:<region>:<account>:<name>`.
 *
 * Durable: a message is in the queue's journal (`<dataDir>/queues/<name>.jsonl`, fsync'd, grouped
 * per batch of sends) before `send` resolves; receives and deletes are journaled too, so messages not
 * yet acknowledged — and their receive counts — survive a restart. The journal is compacted when the
 * queue is opened. Without a dataDir the queue lives in memory.
 *
 * A consumer gets what Lambda's SQS event source gives a function: batches of SQS records in
 * arrival order, and it may answer `{batchItemFailures: [{itemIdentifier}]}`. Failed messages (or the
 * whole batch when the handler throws or names an unknown message) become visible again after the
 * visibility timeout; a message received `maxReceiveCount` times moves to the dead-letter queue on
 * its next receive, as SQS's redrive policy does.
 */
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { queueArn, queueNameOf, type Scope } from './arns';
import { lambdaContext } from './lambda-context';
import type { Log } from './log';
import { AppendLog, readJsonLines } from './persistence';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void> | SQSBatchResponse | void;

export interface QueueConsumerOptions {
  /** Messages per batch (1–10000, Lambda's default 10). */
  readonly batchSize?: number;
  /** How long a received message stays invisible (default 30 s, SQS's default). */
  readonly visibilityTimeoutMs?: number;
  /** Receives after which the next receive moves the message to `deadLetterQueue` (redrive policy). */
  readonly maxReceiveCount?: number;
  /** Dead-letter queue, by name or ARN; required for `maxReceiveCount` to move messages. */
  readonly deadLetterQueue?: string;
  /** The function name the handler's Lambda context reports. */
  readonly functionName?: string;
  /**
   * Batches handled at once (Lambda's SQS event source runs several concurrent pollers and scales
   * up; its `MaximumConcurrency` caps them). Default 1: one batch at a time, in arrival order.
   */
  readonly maxConcurrency?: number;
}

export interface QueueMessageInput {
  readonly body: string;
  readonly messageAttributes?: SQSMessageAttributes;
  /** Set on messages moved by a redrive policy. */
  readonly deadLetterQueueSourceArn?: string;
}

/** A message as `peek` shows it. */
export interface QueueMessageView {
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: SQSMessageAttributes;
  readonly receiveCount: number;
  readonly sentTimestamp: number;
  readonly visible: boolean;
}

interface Message {
  id: string;
  body: string;
  attrs: SQSMessageAttributes;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  dlqSource?: string;
  visibleAt: number;
  inFlight: boolean;
}

type JournalRecord =
  | { op: 'send'; id: string; body: string; attrs?: SQSMessageAttributes; sentAt: number; receiveCount?: number; firstReceiveAt?: number; dlqSource?: string }
  | { op: 'recv'; id: string; at: number }
  | { op: 'ack'; id: string };

export interface QueueEnvironment {
  readonly scope: Scope;
  readonly log: Log;
  /** Resolves another queue (the dead-letter queue) by name. */
  readonly queue: (name: string) => Promise<LocalQueue>;
}

interface Consumer {
  readonly handler: QueueHandler;
  readonly batchSize: number;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount?: number;
  readonly deadLetterQueue?: string;
  readonly functionName: string;
  readonly maxConcurrency: number;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export class LocalQueue {
  readonly arn: string;
  private readonly messages = new Map<string, Message>();
  private consumer: Consumer | undefined;
  private running: Promise<void> | undefined;
  private readonly deliveries = new Set<Promise<void>>();
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;

  private constructor(
    readonly name: string,
    private readonly journal: AppendLog | undefined,
    private readonly env: QueueEnvironment,
  ) {
    this.arn = queueArn(env.scope, name);
  }

  /** Opens a queue: loads and compacts its journal when it has one. */
  static async open(name: string, dataDir: string | undefined, env: QueueEnvironment): Promise<LocalQueue> {
    if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) throw new Error(`Queue name ${JSON.stringify(name)} is not valid (1-80 letters, digits, - or _).`);
    const journal = dataDir ? new AppendLog(path.join(dataDir, 'queues', `${name}.jsonl`)) : undefined;
    const queue = new LocalQueue(name, journal, env);
    if (journal) {
      for (const r of readJsonLines<JournalRecord>(journal.file)) queue.replay(r);
      await journal.rewrite([...queue.messages.values()].map(toSendRecord));
    }
    return queue;
  }

  private replay(r: JournalRecord): void {
    if (r.op === 'send') {
      this.messages.set(r.id, {
        id: r.id,
        body: r.body,
        attrs: r.attrs ?? {},
        sentAt: r.sentAt,
        receiveCount: r.receiveCount ?? 0,
        firstReceiveAt: r.firstReceiveAt,
        dlqSource: r.dlqSource,
        visibleAt: 0,
        inFlight: false,
      });
    } else if (r.op === 'recv') {
      const m = this.messages.get(r.id);
      if (m) {
        m.receiveCount++;
        m.firstReceiveAt ??= r.at;
      }
    } else {
      this.messages.delete(r.id);
    }
  }

  /** Stores messages (durably when the queue has a journal); resolves with their ids. */
  async send(inputs: readonly QueueMessageInput[]): Promise<string[]> {
    if (this.stopped) throw new Error(`Queue ${this.name} is stopped`);
    const now = Date.now();
    const msgs: Message[] = inputs.map((input) => ({
      id: randomUUID(),
      body: input.body,
      attrs: input.messageAttributes ?? {},
      sentAt: now,
      receiveCount: 0,
      dlqSource: input.deadLetterQueueSourceArn,
      visibleAt: 0,
      inFlight: false,
    }));
    await this.journal?.append(msgs.map(toSendRecord));
    for (const m of msgs) this.messages.set(m.id, m);
    this.schedule();
    return msgs.map((m) => m.id);
  }

  /** Attaches the consumer (replacing any previous one) and starts delivering. */
  setConsumer(handler: QueueHandler, options: QueueConsumerOptions = {}): void {
    const batchSize = options.batchSize ?? 10;
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10000)) throw new Error('batchSize must be an integer from 1 to 10000');
    const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    if (!(visibilityTimeoutMs >= 0)) throw new Error('visibilityTimeoutMs must be ≥ 0');
    if (options.maxReceiveCount !== undefined && !(Number.isInteger(options.maxReceiveCount) && options.maxReceiveCount >= 1)) {
      throw new Error('maxReceiveCount must be an integer ≥ 1');
    }
    this.consumer = {
      handler,
      batchSize,
      visibilityTimeoutMs,
      maxReceiveCount: options.maxReceiveCount,
      deadLetterQueue: options.deadLetterQueue === undefined ? undefined : queueNameOf(options.deadLetterQueue),
      functionName: options.functionName ?? `${this.name}-consumer`,
      maxConcurrency: options.maxConcurrency ?? 1,
    };
    this.schedule();
  }

  removeConsumer(): void {
    this.consumer = undefined;
  }

  /** The messages not yet deleted, in arrival order. */
  peek(): QueueMessageView[] {
    const now = Date.now();
    return [...this.messages.values()].map((m) => ({
      messageId: m.id,
      body: m.body,
      messageAttributes: m.attrs,
      receiveCount: m.receiveCount,
      sentTimestamp: m.sentAt,
      visible: !m.inFlight && m.visibleAt <= now,
    }));
  }

  get size(): number {
    return this.messages.size;
  }

  /** Nothing for the consumer to do now or later (a queue without consumer is idle). */
  get idle(): boolean {
    return !this.consumer || (!this.running && !this.scheduled && this.deliveries.size === 0 && this.messages.size === 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    while (this.deliveries.size) await Promise.all([...this.deliveries]);
    await this.journal?.close();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped || !this.consumer) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.running) this.running = this.run().finally(() => (this.running = undefined));
    });
  }

  private wakeAt(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.schedule();
    }, Math.max(0, at - Date.now()));
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.consumer) {
      const consumer = this.consumer;
      // At the concurrency limit: a finishing delivery schedules the next run.
      if (this.deliveries.size >= consumer.maxConcurrency) return;
      const now = Date.now();
      const batch: Message[] = [];
      const redrive: Message[] = [];
      let nextVisible = Infinity;
      for (const m of this.messages.values()) {
        if (m.inFlight) continue;
        if (m.visibleAt > now) {
          nextVisible = Math.min(nextVisible, m.visibleAt);
          continue;
        }
        if (consumer.maxReceiveCount !== undefined && consumer.deadLetterQueue !== undefined && m.receiveCount >= consumer.maxReceiveCount) redrive.push(m);
        else if (batch.length < consumer.batchSize) batch.push(m);
      }
      if (redrive.length) await this.moveToDeadLetterQueue(redrive, consumer.deadLetterQueue!);
      if (batch.length === 0) {
        if (nextVisible < Infinity) this.wakeAt(nextVisible);
        if (redrive.length) continue;
        return;
      }
      const delivery: Promise<void> = this.deliver(batch, consumer, now)
        .catch((err: Error) => this.env.log('error', 'delivery failed', { queue: this.name, error: err.message }))
        .finally(() => {
        this.deliveries.delete(delivery);
        this.schedule();
      });
      this.deliveries.add(delivery);
    }
  }

  private async deliver(batch: Message[], consumer: Consumer, now: number): Promise<void> {
    for (const m of batch) {
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.visibleAt = now + consumer.visibilityTimeoutMs;
      m.inFlight = true;
    }
    await this.journal?.append(batch.map((m) => ({ op: 'recv', id: m.id, at: now })));
    const event: SQSEvent = { Records: batch.map((m) => this.record(m)) };
    let failed: Set<string>;
    try {
      const result = await consumer.handler(event, lambdaContext(this.env.scope, consumer.functionName, consumer.visibilityTimeoutMs));
      failed = new Set((result && Array.isArray(result.batchItemFailures) ? result.batchItemFailures : []).map((f) => f?.itemIdentifier));
      const ids = new Set(batch.map((m) => m.id));
      // As Lambda: an identifier that names no message of the batch fails the whole batch.
      if ([...failed].some((id) => typeof id !== 'string' || !ids.has(id))) {
        this.env.log('warn', 'batchItemFailures names a message not in the batch: the whole batch fails', { queue: this.name });
        failed = ids;
      }
    } catch (err) {
      this.env.log('warn', 'queue consumer failed: the batch becomes visible again after the visibility timeout', { queue: this.name, function: consumer.functionName, error: (err as Error)?.message ?? String(err) });
      failed = new Set(batch.map((m) => m.id));
    }
    const done = batch.filter((m) => !failed.has(m.id));
    if (done.length) {
      await this.journal?.append(done.map((m) => ({ op: 'ack', id: m.id })));
      for (const m of done) this.messages.delete(m.id);
    }
    for (const m of batch) {
      m.inFlight = false;
      if (failed.has(m.id)) this.wakeAt(m.visibleAt);
    }
  }

  private async moveToDeadLetterQueue(msgs: Message[], dlqName: string): Promise<void> {
    try {
      const dlq = await this.env.queue(dlqName);
      await dlq.send(msgs.map((m) => ({ body: m.body, messageAttributes: m.attrs, deadLetterQueueSourceArn: this.arn })));
      await this.journal?.append(msgs.map((m) => ({ op: 'ack', id: m.id })));
      for (const m of msgs) this.messages.delete(m.id);
    } catch (err) {
      this.env.log('error', 'could not move messages to the dead-letter queue', { queue: this.name, deadLetterQueue: dlqName, count: msgs.length, error: (err as Error).message });
      const retryAt = Date.now() + 1000;
      for (const m of msgs) m.visibleAt = retryAt;
      this.wakeAt(retryAt);
    }
  }

  private record(m: Message): SQSRecord {
    return {
      messageId: m.id,
      receiptHandle: Buffer.from(`${m.id}#${m.receiveCount}`).toString('base64'),
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: this.env.scope.accountId,
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
        ...(m.dlqSource ? { DeadLetterQueueSourceArn: m.dlqSource } : {}),
      },
      messageAttributes: m.attrs,
      md5OfBody: md5(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.env.scope.region,
    };
  }
}

function toSendRecord(m: Message): JournalRecord {
  return {
    op: 'send',
    id: m.id,
    body: m.body,
    ...(Object.keys(m.attrs).length ? { attrs: m.attrs } : {}),
    sentAt: m.sentAt,
    ...(m.receiveCount ? { receiveCount: m.receiveCount, firstReceiveAt: m.firstReceiveAt } : {}),
    ...(m.dlqSource ? { dlqSource: m.dlqSource } : {}),
  };
}

/** The queues of one local EventBridge, opened on first use. */
export class QueueRegistry {
  private readonly queues = new Map<string, Promise<LocalQueue>>();
  private readonly env: QueueEnvironment;

  constructor(
    private readonly dataDir: string | undefined,
    scope: Scope,
    log: Log,
  ) {
    this.env = { scope, log, queue: (name) => this.get(name) };
  }

  /** The queue with this name (or SQS ARN), opened (and its journal compacted) on first use. */
  get(nameOrArn: string): Promise<LocalQueue> {
    const name = queueNameOf(nameOrArn);
    let q = this.queues.get(name);
    if (!q) {
      q = LocalQueue.open(name, this.dataDir, this.env);
      this.queues.set(name, q);
      q.catch(() => this.queues.delete(name));
    }
    return q;
  }

  /** Opened queues (those whose promise settled). */
  private async opened(): Promise<LocalQueue[]> {
    const settled = await Promise.allSettled([...this.queues.values()]);
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  async idle(): Promise<boolean> {
    return (await this.opened()).every((q) => q.idle);
  }

  async stop(): Promise<void> {
    await Promise.all((await this.opened()).map((q) => q.stop()));
  }
}
