/**
 * TEST DOUBLES for the projection machinery: a view store in memory (with the same conditional
 * semantics as the DynamoDB adapters) and a read-only event log. For unit tests of apply and
 * rebuild; the DynamoDB adapters are tested against DynamoDB Local.
 */
import type { EventEnvelope, StreamRef, StreamType } from '../../services/kernel/envelope';
import type { EventStore, ReadStreamOptions } from '../../services/kernel/event-store';
import type { ProjectedView, ProjectionStore, RebuildTarget, SaveResult, ViewState } from '../projection';

export class InMemoryViewStore<V extends ProjectedView> implements ProjectionStore<V>, RebuildTarget<V> {
  readonly items = new Map<string, V>();
  saves = 0;
  conflicts = 0;
  /** Called before each write lands (tests move the stored view under a writer here). */
  beforeWrite?: (id: string) => Promise<void> | void;

  async load(id: string): Promise<ViewState<V>> {
    const view = this.items.get(id);
    return view === undefined ? { view: null, lastSequence: 0 } : { view, lastSequence: view.lastSequence };
  }

  async save(id: string, view: V, expectedLastSequence: number): Promise<SaveResult> {
    await this.beforeWrite?.(id);
    const stored = this.items.get(id);
    if ((stored?.lastSequence ?? 0) !== expectedLastSequence || (stored === undefined) !== (expectedLastSequence === 0)) {
      this.conflicts += 1;
      return 'conflict';
    }
    this.items.set(id, view);
    this.saves += 1;
    return 'saved';
  }

  async replace(id: string, view: V): Promise<'saved' | 'stale'> {
    await this.beforeWrite?.(id);
    const stored = this.items.get(id);
    if (stored !== undefined && stored.lastSequence > view.lastSequence) return 'stale';
    this.items.set(id, view);
    return 'saved';
  }
}

/** A read-only EventStore over a fixed list of envelopes (append is not supported). */
export class InMemoryEventLog implements Pick<EventStore, 'readStream' | 'listStreams' | 'readAll'> {
  readonly reads: Array<{ stream: StreamRef; options: ReadStreamOptions }> = [];
  constructor(readonly events: EventEnvelope[] = []) {}

  add(...events: EventEnvelope[]): this {
    this.events.push(...events);
    return this;
  }

  async readStream(stream: StreamRef, options: ReadStreamOptions = {}): Promise<EventEnvelope[]> {
    this.reads.push({ stream, options });
    const from = options.fromSequence ?? 1;
    const to = options.toSequence ?? Number.MAX_SAFE_INTEGER;
    return this.events
      .filter((e) => e.stream.type === stream.type && e.stream.id === stream.id && e.sequence >= from && e.sequence <= to)
      .sort((a, b) => a.sequence - b.sequence);
  }

  async *listStreams(type?: StreamType): AsyncIterable<StreamRef> {
    const seen = new Set<string>();
    for (const e of this.events) {
      const key = `${e.stream.type}#${e.stream.id}`;
      if ((type === undefined || e.stream.type === type) && !seen.has(key)) {
        seen.add(key);
        yield e.stream;
      }
    }
  }

  async *readAll(): AsyncIterable<EventEnvelope> {
    for await (const stream of this.listStreams()) yield* await this.readStream(stream);
  }
}
