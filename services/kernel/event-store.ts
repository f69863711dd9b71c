/**
 * EventStore port. Streams are append-only; optimistic concurrency is expressed by the sequence
 * the writer expects the stream to be at (0 for a new stream). Appends never overwrite: a
 * writer that lost the race gets `conflict`, re-reads, and decides again.
 */
import type { EventEnvelope, PendingEvent, StreamRef, StreamType } from './envelope';

export interface AppendRequest {
  readonly stream: StreamRef;
  /** The last sequence the writer saw: the new events take expected+1 … expected+n. */
  readonly expectedSequence: number;
  readonly events: readonly PendingEvent[];
}

export type AppendResult =
  | { readonly status: 'appended'; readonly events: readonly EventEnvelope[] }
  | { readonly status: 'conflict'; readonly streams: readonly StreamRef[] };

export interface ReadStreamOptions {
  /** First sequence to return (default 1). */
  readonly fromSequence?: number;
  /** Last sequence to return (inclusive). */
  readonly toSequence?: number;
}

export interface EventStore {
  /** Appends to one stream at the expected sequence. All the events land, or none. */
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Appends to several streams atomically (≤ 100 events in all). `idempotencyToken`, derived
   * from the causing event or command, makes a retry of the same append a no-op that reports
   * `appended`.
   */
  appendMany(requests: readonly AppendRequest[], options: { readonly idempotencyToken: string }): Promise<AppendResult>;
  /** The stream's events in order (strongly consistent, every page). */
  readStream(stream: StreamRef, options?: ReadStreamOptions): Promise<EventEnvelope[]>;
  /** Stream ids, optionally of one type. */
  listStreams(type?: StreamType): AsyncIterable<StreamRef>;
  /** Every event of every stream, stream by stream (in order within a stream); for rebuilds. */
  readAll(): AsyncIterable<EventEnvelope>;
}

/** DynamoDB's TransactWriteItems limit, which bounds one atomic append. */
export const MAX_EVENTS_PER_APPEND = 100;
