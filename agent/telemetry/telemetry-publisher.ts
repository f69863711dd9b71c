/**
 * The agent's side of the telemetry stream: progress, heartbeats and the final report as
 * TelemetryRecords on Kinesis (kinesalite on one machine), partition key = task id, so a task's
 * records stay on one shard, in the order they were put.
 *
 * - `seq` numbers the session's records 1, 2, 3, ... in the order they are produced; the consumer
 *   orders by it (Kinesis may reorder records of a PutRecords whose first attempt partly failed).
 * - Records are sent with PutRecords `flushIntervalMs` (50 ms by default) after the first of them
 *   was produced, together with whatever came meanwhile (a turn's lines go in one call), at once
 *   when a full batch (500 records) is waiting, and at once for the final report. A line reaches
 *   the stream within about 50 ms, not on the next tick of a timer: `watch` shows it live. (The cost
 *   side is the session monitor's batching window, infra/constructs/telemetry.ts.)
 * - One PutRecords is in flight at a time. Records that fail (the whole call, or per record:
 *   FailedRecordCount / ErrorCode) go back to the head of the buffer and are retried with
 *   exponential backoff and jitter, ahead of anything newer.
 * - A heartbeat is produced every `heartbeatSeconds` (45 s by default) and once at start.
 * - Telemetry never breaks the agent: `progress` / `heartbeat` never throw, failures are logged and
 *   retried, and when Kinesis stays away the oldest progress records are dropped beyond
 *   `maxBufferedRecords`. The exception is `finalReport`, which resolves once Kinesis has accepted
 *   the report and rejects only when it could not be delivered within `finalReportTimeoutMs`
 *   (the agent should then exit non-zero: the platform's watchdog will notice the lost session).
 * - `close()` stops the timers and flushes what is left (bounded by `closeTimeoutMs`); it never throws.
 */
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../services/adapters/aws/kinesis-client';
import type { FinalReport, ProgressEvent, SessionPayload, TelemetryRecord } from '../contracts';

/** What the publisher needs of a Kinesis client (a KinesisClient, or a test wrapper around one). */
export interface PutRecordsClient {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>;
}

type TelemetryLogLevel = 'info' | 'warn' | 'error';
export type TelemetryLog = (level: TelemetryLogLevel, message: string, extra?: Record<string, unknown>) => void;

export interface TelemetryPublisherOptions {
  readonly client: PutRecordsClient;
  readonly streamName: string;
  readonly taskId: string;
  readonly sessionId: string;
  /** Seconds between heartbeats (default 45); 0 turns the timer off (`heartbeat()` still works). */
  readonly heartbeatSeconds?: number;
  /** How long a record waits for others to go with it in one PutRecords (default DEFAULT_SEND_DELAY_MS). */
  readonly flushIntervalMs?: number;
  /** The first record's `seq` (default 1). */
  readonly firstSeq?: number;
  /** Backoff between failed attempts: base × 2^attempt, capped, with jitter (defaults 200 ms, 5 s). */
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  /** How long `finalReport` keeps trying before it rejects (default 10 minutes). */
  readonly finalReportTimeoutMs?: number;
  /** How long `close` waits for the buffer to drain (default 10 s); what is left is dropped and logged. */
  readonly closeTimeoutMs?: number;
  /** Records kept while Kinesis is unreachable; beyond it the oldest progress and heartbeats are dropped (default 10,000). */
  readonly maxBufferedRecords?: number;
  readonly now?: () => Date;
  /** Default: one JSON line per message on stderr. */
  readonly log?: TelemetryLog;
  /** Called once `close` is done (e.g. to destroy a client the publisher was built with). */
  readonly onClose?: () => void;
}

export interface TelemetryStats {
  /** Records Kinesis accepted. */
  readonly delivered: number;
  /** PutRecords calls that failed, in whole or in part. */
  readonly failedAttempts: number;
  /** Records given up on (buffer overflow, close timeout). */
  readonly dropped: number;
  /** Records waiting or in flight. */
  readonly pending: number;
  /** The last `seq` handed out. */
  readonly lastSeq: number;
}

/** How long a produced record waits for others before they are sent together (ms). */
export const DEFAULT_SEND_DELAY_MS = 50;

/** Kinesis limits: 500 records and 5 MiB per PutRecords, 1 MiB per record (data + partition key). */
const MAX_BATCH_RECORDS = 500;
const MAX_BATCH_BYTES = 5 * 1024 * 1024;
/** Progress text beyond this is cut (a progress line, not a transcript). */
export const MAX_PROGRESS_TEXT = 4000;
/** SessionEnded.error's limit. */
const MAX_ERROR_TEXT = 4000;

interface Pending {
  readonly record: TelemetryRecord;
  readonly data: Uint8Array;
  /** Final report only: settles the caller's promise. */
  readonly waiter?: { readonly deadline: number; resolve(): void; reject(err: Error): void };
}

export class TelemetryPublisher {
  private readonly client: PutRecordsClient;
  private readonly streamName: string;
  private readonly taskId: string;
  private readonly sessionId: string;
  private readonly heartbeatMs: number;
  private readonly flushIntervalMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly finalReportTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly maxBuffered: number;
  private readonly now: () => Date;
  private readonly log: TelemetryLog;
  private readonly onClose: (() => void) | undefined;

  private seq: number;
  private buffer: Pending[] = [];
  private inFlight = 0;
  private pumping: Promise<void> | null = null;
  private consecutiveFailures = 0;
  private started = false;
  private closing = false;
  private abandoned = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private wakeBackoff: (() => void) | undefined;
  private counters = { delivered: 0, failedAttempts: 0, dropped: 0 };

  constructor(options: TelemetryPublisherOptions) {
    this.client = options.client;
    this.streamName = options.streamName;
    this.taskId = options.taskId;
    this.sessionId = options.sessionId;
    this.heartbeatMs = Math.max(0, (options.heartbeatSeconds ?? 45) * 1000);
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? DEFAULT_SEND_DELAY_MS);
    this.baseDelayMs = options.retry?.baseDelayMs ?? 200;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 5000;
    this.finalReportTimeoutMs = options.finalReportTimeoutMs ?? 10 * 60_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.maxBuffered = Math.max(1, options.maxBufferedRecords ?? 10_000);
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? jsonLog;
    this.onClose = options.onClose;
    this.seq = (options.firstSeq ?? 1) - 1;
  }

  /** Starts sending (and the heartbeat timer) with a first heartbeat. Idempotent. */
  start(): this {
    if (this.started || this.closing) return this;
    this.started = true;
    this.heartbeat();
    if (this.heartbeatMs > 0) this.heartbeatTimer = unref(setInterval(() => this.heartbeat(), this.heartbeatMs));
    return this;
  }

  /** Queues a progress record (sent within `flushIntervalMs`). Never throws. */
  progress(event: ProgressEvent): void {
    this.safely('progress', () => this.enqueue((base) => ({ ...base, type: 'progress', event: trimEvent(event) })));
  }

  /** Queues a heartbeat now (the timer calls this). Never throws. */
  heartbeat(): void {
    this.safely('heartbeat', () => this.enqueue((base) => ({ ...base, type: 'heartbeat' })));
  }

  /**
   * Sends the final report at once and resolves when Kinesis has accepted it (everything queued
   * before it is sent first). Retries until `finalReportTimeoutMs`, then rejects.
   */
  finalReport(report: FinalReport): Promise<void> {
    if (this.abandoned) return Promise.reject(new Error('the telemetry publisher is closed; the final report was not sent'));
    return new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + this.finalReportTimeoutMs;
      const clean: FinalReport = { ...report, error: report.error === null ? null : cut(report.error, MAX_ERROR_TEXT) };
      this.enqueue((base) => ({ ...base, type: 'final_report', report: clean }), { deadline, resolve, reject });
      this.wakeBackoff?.(); // do not sit out a long backoff with the report waiting
      this.kick();
    });
  }

  /** Sends what is buffered now; resolves when the buffer is empty (or the publisher gave up). Never throws. */
  async flush(): Promise<void> {
    while ((this.buffer.length > 0 || this.inFlight > 0) && !this.abandoned) {
      this.kick();
      await this.pumping;
    }
  }

  /** Stops the timers and flushes (at most `closeTimeoutMs`); whatever is left is dropped and logged. Never throws. */
  async close(): Promise<void> {
    if (this.closing) {
      await this.pumping;
      return;
    }
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.closeTimeoutMs)));
    const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.abandoned = true;
      this.wakeBackoff?.();
      await this.pumping;
      const left = this.buffer.splice(0);
      this.counters.dropped += left.length;
      for (const p of left) p.waiter?.reject(new Error(`the final report was not delivered before the telemetry publisher closed (${this.closeTimeoutMs} ms)`));
      if (left.length > 0) this.log('error', 'telemetry publisher closed with undelivered records', { taskId: this.taskId, dropped: left.length, lastSeq: this.seq });
    }
    try {
      this.onClose?.();
    } catch (err) {
      this.log('warn', 'telemetry publisher onClose failed', { taskId: this.taskId, error: errorText(err) });
    }
  }

  stats(): TelemetryStats {
    return { ...this.counters, pending: this.buffer.length + this.inFlight, lastSeq: this.seq };
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────

  private safely(what: string, run: () => void): void {
    try {
      if (this.closing) {
        this.log('warn', `telemetry ${what} after close is ignored`, { taskId: this.taskId });
        return;
      }
      run();
    } catch (err) {
      this.log('error', `telemetry ${what} could not be queued`, { taskId: this.taskId, error: errorText(err) });
    }
  }

  private enqueue(build: (base: { taskId: string; sessionId: string; seq: number; at: string }) => TelemetryRecord, waiter?: Pending['waiter']): void {
    const record = build({ taskId: this.taskId, sessionId: this.sessionId, seq: ++this.seq, at: this.now().toISOString() });
    const data = Buffer.from(JSON.stringify(record), 'utf8');
    this.buffer.push({ record, data, ...(waiter ? { waiter } : {}) });
    this.shed();
    if (this.buffer.length >= MAX_BATCH_RECORDS) this.kick();
    else this.sendSoon();
  }

  /** Sends the buffer `flushIntervalMs` from now, unless a send is already due (or running: it takes these too). */
  private sendSoon(): void {
    if (this.flushTimer || !this.started || this.closing) return;
    this.flushTimer = unref(
      setTimeout(() => {
        this.flushTimer = undefined;
        if (this.buffer.length > 0) this.kick();
      }, this.flushIntervalMs),
    );
  }

  /** Keeps the buffer bounded while Kinesis is away: drops the oldest records that are not a final report. */
  private shed(): void {
    let excess = this.buffer.length - this.maxBuffered;
    if (excess <= 0) return;
    const kept: Pending[] = [];
    let dropped = 0;
    for (const p of this.buffer) {
      if (excess > 0 && !p.waiter) {
        excess--;
        dropped++;
      } else kept.push(p);
    }
    this.buffer = kept;
    const before = this.counters.dropped;
    this.counters.dropped += dropped;
    // Log the first drop and then every 1000th, not every record.
    if (dropped > 0 && (before === 0 || Math.floor(before / 1000) !== Math.floor(this.counters.dropped / 1000))) {
      this.log('warn', 'telemetry buffer full; oldest records dropped', { taskId: this.taskId, droppedTotal: this.counters.dropped, buffered: this.buffer.length });
    }
  }

  private kick(): void {
    if (this.pumping || this.abandoned) return;
    this.pumping = this.pump()
      .catch((err) => this.log('error', 'telemetry pump failed', { taskId: this.taskId, error: errorText(err) }))
      .finally(() => {
        this.pumping = null;
      });
  }

  /** Sends until the buffer is empty: one PutRecords at a time, failures back at the head, backoff between failures. */
  private async pump(): Promise<void> {
    while (this.buffer.length > 0 && !this.abandoned) {
      this.expireFinalReports();
      const batch = this.takeBatch();
      if (batch.length === 0) continue;
      this.inFlight = batch.length;
      const { failed, error } = await this.put(batch);
      this.inFlight = 0;
      const failedSet = new Set(failed);
      for (const p of batch) {
        if (failedSet.has(p)) continue;
        this.counters.delivered++;
        p.waiter?.resolve();
      }
      if (failed.length === 0) {
        if (this.consecutiveFailures > 0) this.log('info', 'telemetry delivery recovered', { taskId: this.taskId, afterAttempts: this.consecutiveFailures });
        this.consecutiveFailures = 0;
        continue;
      }
      this.buffer.unshift(...failed); // retried first, in their order
      this.shed();
      this.consecutiveFailures++;
      this.counters.failedAttempts++;
      const delay = this.backoffDelay(this.consecutiveFailures);
      this.log(this.consecutiveFailures >= 5 ? 'error' : 'warn', 'telemetry records not delivered; retrying', {
        taskId: this.taskId,
        failed: failed.length,
        of: batch.length,
        attempt: this.consecutiveFailures,
        delayMs: delay,
        error,
      });
      await this.sleep(delay);
    }
  }

  private async put(batch: Pending[]): Promise<{ failed: Pending[]; error?: string }> {
    try {
      const out = await this.client.send(
        new PutRecordsCommand({ StreamName: this.streamName, Records: batch.map((p) => ({ Data: p.data, PartitionKey: this.taskId })) }),
      );
      const results = out.Records ?? [];
      const failed = batch.filter((_, i) => results[i] === undefined || results[i]!.ErrorCode !== undefined || results[i]!.SequenceNumber === undefined);
      if (failed.length === 0) return { failed };
      const codes = [...new Set(results.map((r) => r.ErrorCode).filter((c): c is string => c !== undefined))];
      return { failed, error: `FailedRecordCount ${out.FailedRecordCount ?? failed.length}${codes.length ? ` (${codes.join(', ')})` : ''}` };
    } catch (err) {
      return { failed: batch, error: errorText(err) };
    }
  }

  /** Up to 500 records and 5 MiB from the head of the buffer (removed from it while in flight). */
  private takeBatch(): Pending[] {
    let bytes = 0;
    let count = 0;
    for (const p of this.buffer) {
      const size = p.data.byteLength + Buffer.byteLength(this.taskId);
      if (count === MAX_BATCH_RECORDS || (count > 0 && bytes + size > MAX_BATCH_BYTES)) break;
      bytes += size;
      count++;
    }
    return this.buffer.splice(0, count);
  }

  private expireFinalReports(): void {
    const now = Date.now();
    const expired = this.buffer.filter((p) => p.waiter && p.waiter.deadline <= now);
    if (expired.length === 0) return;
    this.buffer = this.buffer.filter((p) => !expired.includes(p));
    this.counters.dropped += expired.length;
    for (const p of expired) {
      this.log('error', 'final report not delivered; giving up', { taskId: this.taskId, seq: p.record.seq, timeoutMs: this.finalReportTimeoutMs });
      p.waiter!.reject(new Error(`the final report of task ${this.taskId} could not be delivered to Kinesis stream ${this.streamName} within ${this.finalReportTimeoutMs} ms`));
    }
  }

  private backoffDelay(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(attempt - 1, 20));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  /** A backoff that close / a final report can cut short. Keeps the process alive only while a final report waits. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      if (!this.buffer.some((p) => p.waiter)) timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeBackoff = () => {
        this.wakeBackoff = undefined;
        done();
      };
    });
  }
}

/** A started publisher (first heartbeat queued, timers running). */
export function startTelemetryPublisher(options: TelemetryPublisherOptions): TelemetryPublisher {
  return new TelemetryPublisher(options).start();
}

/**
 * The Kinesis client for a session's telemetry settings: the local endpoint (kinesalite) when the
 * payload names one, else Kinesis in the payload's region with the default credential chain
 * (the compute's role). The SDK retries once; the publisher has its own retry loop.
 */
export function telemetryClientFor(telemetry: SessionPayload['telemetry']): KinesisClient {
  return telemetry.endpoint
    ? kinesisClient(telemetry.endpoint, { region: telemetry.region, maxAttempts: 1 })
    : new KinesisClient({ region: telemetry.region, maxAttempts: 2 });
}

/**
 * The started publisher of a session, from its payload (stream, endpoint, task, session, heartbeat
 * interval). Without `options.client` it builds one (telemetryClientFor) and destroys it on close.
 */
export function publisherForSession(
  payload: SessionPayload,
  options: Partial<Omit<TelemetryPublisherOptions, 'streamName' | 'taskId' | 'sessionId'>> = {},
): TelemetryPublisher {
  const own = options.client ? undefined : telemetryClientFor(payload.telemetry);
  return startTelemetryPublisher({
    heartbeatSeconds: payload.heartbeatSeconds,
    ...options,
    client: options.client ?? own!,
    streamName: payload.telemetry.streamName,
    taskId: payload.taskId,
    sessionId: payload.sessionId,
    onClose: () => {
      own?.destroy();
      options.onClose?.();
    },
  });
}

function trimEvent(event: ProgressEvent): ProgressEvent {
  switch (event.kind) {
    case 'turn':
      return event.text === undefined ? event : { ...event, text: cut(event.text, MAX_PROGRESS_TEXT) };
    case 'tool_call':
      return { ...event, tool: cut(event.tool, 200), summary: cut(event.summary, MAX_PROGRESS_TEXT) };
    case 'milestone':
      return { ...event, name: cut(event.name, 200), ...(event.detail === undefined ? {} : { detail: cut(event.detail, MAX_PROGRESS_TEXT) }) };
    case 'error':
      return { ...event, message: cut(event.message, MAX_PROGRESS_TEXT) };
    default:
      return event;
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref();
  return timer;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function jsonLog(level: TelemetryLogLevel, message: string, extra: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level: level.toUpperCase(), service: 'agent-telemetry', message, timestamp: new Date().toISOString(), ...extra })}\n`);
}
