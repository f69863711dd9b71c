/**
 * The outbox's republish command (docs/ARCHITECTURE.md "The outbox publisher"; it re-sends a range from the
 * store): reads stored events back from the event store and publishes them to the bus again.
 *
 * Events are re-sent UNCHANGED — the same envelope, the same event id, the same `recordedAt`;
 * nothing marks them as replayed, so the bus and its targets cannot tell a copy from the original.
 * That is what makes a republish safe to run at any time and as often as needed: consumers are
 * idempotent on the event id, so a consumer that already handled an event ignores the copy, and
 * only the consumers that never got it (a rule or target added since, a delivery that was lost)
 * act on it. One limit: consumers keep their idempotency records for 48 h
 * (`IDEMPOTENCY_TTL_SECONDS`), so events recorded longer ago than that are handled again by every
 * consumer they reach — narrow the selection, or the rules, when re-sending old history.
 *
 * What is selected:
 *   - one stream, optionally a sequence range [fromSequence, toSequence] (both inclusive);
 *   - every stream of a type;
 *   - every stream of the store;
 * each optionally narrowed to events whose `recordedAt` is in [recordedFrom, recordedTo).
 *
 * Order: streams are read one by one and each stream's events are published in sequence order,
 * batch after batch (a batch is published only once the previous one was accepted), so within a
 * stream a later event never reaches the bus before an earlier one. Batches may hold events of
 * several streams. EventBridge itself does not promise delivery order to targets.
 */
import type { EventEnvelope, StreamRef, StreamType } from '../kernel/envelope';
import { STREAM_TYPES, streamKey } from '../kernel/envelope';
import type { EventBus } from '../kernel/event-bus';
import type { EventStore } from '../kernel/event-store';
import { MAX_ENTRIES_PER_PUT } from '../kernel/eventbridge-event-bus';

/** The stream types a selection may name: every stream type of the store. */
export const REPUBLISH_STREAM_TYPES = STREAM_TYPES;

/** An instant: a Date, or an ISO 8601 string with a date and, if it has a time, a zone (`Z` or `±hh:mm`). */
export type Instant = Date | string;

/** Narrows any selection to events whose `recordedAt` is in [recordedFrom, recordedTo). */
interface RecordedWindow {
  readonly recordedFrom?: Instant;
  readonly recordedTo?: Instant;
}

interface StreamSelection extends RecordedWindow {
  readonly stream: StreamRef;
  /** First sequence to re-send (default 1). */
  readonly fromSequence?: number;
  /** Last sequence to re-send, inclusive (default: the stream's last). */
  readonly toSequence?: number;
}

interface StreamTypeSelection extends RecordedWindow {
  readonly streamType: StreamType;
}

/** Every stream of the store (optionally narrowed by recordedAt). */
type AllSelection = RecordedWindow;

export type RepublishSelection = StreamSelection | StreamTypeSelection | AllSelection;

export interface RepublishProgress {
  /** Streams read so far (with or without selected events). */
  readonly scanned: number;
  /** Streams with at least one selected event so far. */
  readonly streams: number;
  /** Events selected so far. */
  readonly events: number;
  /** Events the bus accepted so far (0 in a dry run). */
  readonly published: number;
  /** The stream being read. */
  readonly stream: string;
}

export interface RepublishReport {
  /** Streams with at least one selected event. */
  readonly streams: number;
  /** Events selected (sent, or that would be sent in a dry run). */
  readonly events: number;
  /** Events the bus accepted (0 in a dry run). */
  readonly published: number;
}

export interface RepublishOptions {
  readonly store: EventStore;
  readonly bus: EventBus;
  readonly selection: RepublishSelection;
  /** Select and report, but publish nothing (default false). */
  readonly dryRun?: boolean;
  /** Events per `bus.publish` call (default 10, one PutEvents call). */
  readonly batchSize?: number;
  /** Call `onProgress` each time this many more events have been selected (default 100). */
  readonly progressEvery?: number;
  readonly onProgress?: (progress: RepublishProgress) => void;
  /** Every batch, in order, before it is published (in a dry run: instead of publishing). */
  readonly onBatch?: (events: readonly EventEnvelope[]) => void;
}

/** A selection or option that cannot be run: says what to fix. */
export class RepublishArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepublishArgumentError';
  }
}

/** Publishing stopped part-way: what got through, and the first event that may not have. */
export class RepublishError extends Error {
  constructor(
    readonly report: RepublishReport,
    /** The first event of the batch that failed; every event selected before it was accepted. */
    readonly firstUnpublished: { readonly stream: StreamRef; readonly sequence: number; readonly id: string },
    cause: unknown,
  ) {
    super(
      `republish stopped at ${streamKey(firstUnpublished.stream)} sequence ${firstUnpublished.sequence} after ${report.published} published event(s): ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Running it again is safe: consumers ignore events they already handled.`,
      { cause },
    );
    this.name = 'RepublishError';
  }
}

interface ResolvedSelection {
  readonly describe: string;
  readonly streams: () => AsyncIterable<StreamRef>;
  readonly fromSequence?: number;
  readonly toSequence?: number;
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Re-sends the selected stored events to the bus, unchanged. See the module comment. */
export async function republish(options: RepublishOptions): Promise<RepublishReport> {
  const { store, bus, dryRun = false, onProgress, onBatch } = options;
  const batchSize = positiveInteger('batchSize', options.batchSize ?? MAX_ENTRIES_PER_PUT);
  const progressEvery = positiveInteger('progressEvery', options.progressEvery ?? 100);
  const selection = resolveSelection(options.selection, store);

  let scanned = 0;
  let streams = 0;
  let events = 0;
  let published = 0;
  let reported = 0;
  let current = '';
  let batch: EventEnvelope[] = [];
  const report = (): RepublishReport => ({ streams, events, published });

  const flush = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    onBatch?.(sending);
    if (!dryRun) {
      try {
        await bus.publish(sending);
      } catch (err) {
        const first = sending[0]!;
        throw new RepublishError(report(), { stream: first.stream, sequence: first.sequence, id: first.id }, err);
      }
      published += sending.length;
    }
    if (onProgress && Math.floor(events / progressEvery) > reported) {
      reported = Math.floor(events / progressEvery);
      onProgress({ scanned, streams, events, published, stream: current });
    }
  };

  for await (const stream of selection.streams()) {
    scanned++;
    current = streamKey(stream);
    const stored = await store.readStream(stream, { fromSequence: selection.fromSequence, toSequence: selection.toSequence });
    const selected = stored.filter((e) => inWindow(e, selection));
    if (selected.length === 0) continue;
    streams++;
    for (const event of selected) {
      batch.push(event);
      events++;
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  return report();
}


/** A one-line description of a selection, e.g. `Task#t-1 sequences 3..7`. */
export function describeSelection(selection: RepublishSelection): string {
  return resolveSelection(selection).describe;
}

function resolveSelection(selection: RepublishSelection, store?: EventStore): ResolvedSelection {
  if (selection === null || typeof selection !== 'object') throw new RepublishArgumentError('selection must be an object: { stream }, { streamType } or a recordedAt window');
  const fromMs = selection.recordedFrom === undefined ? undefined : instantMs('recordedFrom', selection.recordedFrom);
  const toMs = selection.recordedTo === undefined ? undefined : instantMs('recordedTo', selection.recordedTo);
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs)
    throw new RepublishArgumentError(
      `recordedFrom (${new Date(fromMs).toISOString()}) is after recordedTo (${new Date(toMs).toISOString()}): the window is [from, to), so from must not be later than to`,
    );
  const window =
    fromMs === undefined && toMs === undefined
      ? ''
      : ` recorded in [${fromMs === undefined ? '−∞' : new Date(fromMs).toISOString()}, ${toMs === undefined ? '+∞' : new Date(toMs).toISOString()})`;

  if ('stream' in selection && selection.stream !== undefined) {
    if ('streamType' in selection && (selection as { streamType?: unknown }).streamType !== undefined)
      throw new RepublishArgumentError('give either a stream or a stream type, not both');
    const stream = selection.stream;
    checkStreamType(stream?.type);
    if (typeof stream.id !== 'string' || stream.id === '') throw new RepublishArgumentError(`stream ${JSON.stringify(stream)} needs a non-empty id`);
    const { fromSequence, toSequence } = selection;
    if (fromSequence !== undefined) sequence('fromSequence', fromSequence);
    if (toSequence !== undefined) sequence('toSequence', toSequence);
    if (fromSequence !== undefined && toSequence !== undefined && fromSequence > toSequence)
      throw new RepublishArgumentError(`fromSequence (${fromSequence}) is after toSequence (${toSequence}): the range is inclusive, so from must not be greater than to`);
    const range =
      fromSequence === undefined && toSequence === undefined ? 'all sequences' : `sequences ${fromSequence ?? 1}..${toSequence ?? 'last'}`;
    return {
      describe: `${streamKey(stream)} ${range}${window}`,
      streams: async function* () {
        yield stream;
      },
      fromSequence,
      toSequence,
      fromMs,
      toMs,
    };
  }
  const seq = selection as { fromSequence?: unknown; toSequence?: unknown };
  if (seq.fromSequence !== undefined || seq.toSequence !== undefined)
    throw new RepublishArgumentError('fromSequence / toSequence apply to one stream: give a stream as well');
  if ('streamType' in selection && selection.streamType !== undefined) {
    const type = selection.streamType;
    checkStreamType(type);
    return { describe: `every ${type} stream${window}`, streams: () => store!.listStreams(type), fromMs, toMs };
  }
  return { describe: `every stream${window}`, streams: () => store!.listStreams(), fromMs, toMs };
}

function inWindow(event: EventEnvelope, selection: ResolvedSelection): boolean {
  if (selection.fromMs === undefined && selection.toMs === undefined) return true;
  const at = Date.parse(event.recordedAt);
  return (selection.fromMs === undefined || at >= selection.fromMs) && (selection.toMs === undefined || at < selection.toMs);
}

function checkStreamType(type: unknown): asserts type is StreamType {
  if (!(REPUBLISH_STREAM_TYPES as readonly unknown[]).includes(type))
    throw new RepublishArgumentError(`unknown stream type ${JSON.stringify(type)}: choose one of ${REPUBLISH_STREAM_TYPES.join(', ')}`);
}

function sequence(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new RepublishArgumentError(`${name} must be a whole number of at least 1 (sequences start at 1), got ${JSON.stringify(value)}`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RepublishArgumentError(`${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return value;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Milliseconds of an instant. Strings must be ISO 8601: a date (`2025-01-31`, midnight UTC) or a
 * date and time with a zone (`2025-01-31T12:00:00Z`, `…+02:00`); a time without a zone is refused
 * because it would silently mean the machine's local time.
 */
export function instantMs(name: string, value: Instant): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RepublishArgumentError(`${name} is an invalid Date`);
    return ms;
  }
  const hint = 'use an ISO 8601 date (2025-01-31) or date-time with a zone (2025-01-31T12:00:00Z)';
  if (typeof value !== 'string') throw new RepublishArgumentError(`${name} must be a Date or an ISO 8601 string; ${hint}`);
  const m = ISO_INSTANT.exec(value);
  if (!m) {
    const localTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value);
    throw new RepublishArgumentError(
      localTime
        ? `${name} ${JSON.stringify(value)} has no time zone: add Z (UTC) or an offset such as +02:00`
        : `${name} ${JSON.stringify(value)} is not an ISO 8601 instant: ${hint}`,
    );
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const calendarOk = day.getUTCFullYear() === Number(y) && day.getUTCMonth() === Number(mo) - 1 && day.getUTCDate() === Number(d);
  const ms = Date.parse(value);
  if (!calendarOk || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Number.isNaN(ms))
    throw new RepublishArgumentError(`${name} ${JSON.stringify(value)} is not a valid date or time; ${hint}`);
  return ms;
}
