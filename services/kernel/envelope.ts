/**
 * The event envelope (docs/ARCHITECTURE.md "Events and the envelope") and the shapes that domain code, the store and the bus
 * share. Event data types are generated from schemas/ (never hand-written here).
 */
import type { EventDataMap, EventType } from '../../schemas/generated/registry';

export type { EventDataMap, EventType } from '../../schemas/generated/registry';

/** Every kind of stream (aggregate) in the store: the one place that lists them. */
export const STREAM_TYPES = ['Task', 'User', 'Repo', 'Webhook', 'ApiKey', 'Schedule'] as const;
export type StreamType = (typeof STREAM_TYPES)[number];

export interface StreamRef {
  readonly type: StreamType;
  readonly id: string;
}

interface EventMetadata {
  /** `user:<id>`, `service:<name>` or `system`. */
  readonly actor: string;
  readonly traceId?: string;
  readonly replayed?: boolean;
}

/** A domain event as a decider produces it: what happened, nothing about where or when. */
export type DomainEvent<T extends EventType = EventType> = T extends EventType
  ? { readonly type: T; readonly data: EventDataMap[T] }
  : never;

/** A stored event: the whole envelope. `Detail` of the EventBridge event is exactly this. */
export type EventEnvelope<T extends EventType = EventType> = T extends EventType
  ? {
      readonly id: string;
      readonly type: T;
      readonly schemaVersion: number;
      readonly stream: StreamRef;
      readonly sequence: number;
      readonly occurredAt: string;
      readonly recordedAt: string;
      readonly correlationId: string;
      readonly causationId: string;
      readonly source: string;
      readonly data: EventDataMap[T];
      readonly metadata: EventMetadata;
    }
  : never;

/** An event ready to append: the envelope without what the store assigns (sequence, recordedAt). */
export type PendingEvent<T extends EventType = EventType> = T extends EventType
  ? Omit<EventEnvelope<T>, 'sequence' | 'recordedAt' | 'stream'>
  : never;

/** What evolve functions see: enough of the envelope to fold (type, data, when). */
export type FoldableEvent<T extends EventType = EventType> = T extends EventType
  ? { readonly type: T; readonly data: EventDataMap[T]; readonly occurredAt: string; readonly sequence?: number }
  : never;

/** `Task#01H...`: the partition key of a stream, and its name in logs. */
export function streamKey(stream: StreamRef): string {
  return `${stream.type}#${stream.id}`;
}

export function parseStreamKey(key: string): StreamRef {
  const hash = key.indexOf('#');
  const type = key.slice(0, hash) as StreamType;
  if (hash < 1 || !(STREAM_TYPES as readonly string[]).includes(type)) throw new Error(`not a stream key: ${JSON.stringify(key)}`);
  return { type, id: key.slice(hash + 1) };
}

/** The EventBridge `source` of an event: `abca.task`, `abca.user`, `abca.repo`, ... */
export function sourceOf(stream: StreamRef): string {
  return `abca.${stream.type.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;
}
