/**
 * EventBus over @aws-sdk/client-eventbridge: one adapter for AWS and for the local EventBridge
 * (only the endpoint differs). PutEvents takes ≤ 10 entries and ≤ 256 KB per call; entries the
 * bus refuses (counted in FailedEntryCount) are retried with backoff, then reported.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from './envelope';
import { type EventBus, PublishError } from './event-bus';

export const MAX_ENTRIES_PER_PUT = 10;
export const MAX_PUT_BYTES = 256 * 1024;

export interface EventBridgeBusOptions {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  /** Attempts for entries the bus refused (throttling, internal errors). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
}

export class EventBridgeEventBus implements EventBus {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(private readonly options: EventBridgeBusOptions) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 50;
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    for (const chunk of chunkEntries(events.map((e) => toEntry(e, this.options.eventBusName)))) await this.putWithRetry(chunk);
  }

  private async putWithRetry(entries: readonly { eventId: string; entry: PutEventsRequestEntry }[]): Promise<void> {
    let pending = entries;
    let failures: { eventId: string; errorCode: string; errorMessage: string }[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const out = await this.options.client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
      if (!out.FailedEntryCount) return;
      // Entries answer in request order; an entry with an ErrorCode did not reach the bus.
      failures = [];
      const retry: { eventId: string; entry: PutEventsRequestEntry }[] = [];
      (out.Entries ?? []).forEach((result, i) => {
        if (result.ErrorCode) {
          retry.push(pending[i]!);
          failures.push({ eventId: pending[i]!.eventId, errorCode: result.ErrorCode, errorMessage: result.ErrorMessage ?? '' });
        }
      });
      if (retry.length === 0) throw new PublishError([{ eventId: '?', errorCode: 'Unknown', errorMessage: `FailedEntryCount ${out.FailedEntryCount} without failed entries` }], attempt);
      pending = retry;
      if (attempt < this.maxAttempts) await sleep(Math.random() * Math.min(5000, this.baseDelayMs * 2 ** attempt));
    }
    throw new PublishError(failures, this.maxAttempts);
  }
}

/** One EventBridge entry per stored event: the envelope is the Detail, unchanged. */
export function toEntry(event: EventEnvelope, eventBusName: string): { eventId: string; entry: PutEventsRequestEntry } {
  return {
    eventId: event.id,
    entry: {
      EventBusName: eventBusName,
      Source: event.source,
      DetailType: event.type,
      Detail: JSON.stringify(event),
      Time: new Date(event.occurredAt),
      Resources: [],
    },
  };
}

/** AWS's size of an entry: Time (14 bytes) + Source + DetailType + Detail + Resources, UTF-8. */
function entrySize(entry: PutEventsRequestEntry): number {
  return (
    14 +
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0)
  );
}

/** Splits entries, in order, into PutEvents calls of ≤ 10 entries and ≤ 256 KB. */
export function chunkEntries<T extends { entry: PutEventsRequestEntry; eventId: string }>(entries: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = entrySize(e.entry);
    if (size > MAX_PUT_BYTES) throw new PublishError([{ eventId: e.eventId, errorCode: 'EntryTooLarge', errorMessage: `${size} bytes > ${MAX_PUT_BYTES}` }], 0);
    if (current.length === MAX_ENTRIES_PER_PUT || bytes + size > MAX_PUT_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
