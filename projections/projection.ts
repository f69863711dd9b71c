/**
 * The projection shape (docs/ARCHITECTURE.md "Projections"): a read model built from one type of stream by a pure
 * fold. A projection knows nothing about storage or delivery; `apply.ts` applies delivered events
 * to a stored view (duplicates, gaps, conflicts), `rebuild.ts` folds whole streams from the store.
 *
 * Every view item reflects one stream up to `lastSequence`. `foldView` is the reference fold:
 * whatever order and however often events are delivered, the stored view ends up equal to
 * `foldView(projection, id, readStream(id))`.
 */
import type { EventEnvelope, EventType, StreamType } from '../services/kernel/envelope';

/** What every view carries: the position in its stream that it reflects. */
export interface ProjectedView {
  readonly lastSequence: number;
}

export interface Projection<V extends ProjectedView, E extends EventType = EventType> {
  /** Stable name (`task-view`): logs, the rebuild CLI, the catalog entry. */
  readonly name: string;
  /** Bumped when evolve changes what it produces for the same events (a rebuild is then due). */
  readonly version: number;
  /** The streams it folds: one view per stream of this type, keyed by the stream id. */
  readonly streamType: StreamType;
  /** Event types evolve looks at. Other events of the stream only advance `lastSequence`. */
  canHandle(eventType: string): eventType is E;
  /** The view before the stream's first event; null when there is none until an event creates it. */
  initialState(streamId: string): V | null;
  /**
   * Pure: the view after `event`. Null means "no view" (for instance a Task event seen without the
   * TaskSubmitted that creates the view, which a sound stream never has); nothing is stored then.
   * The caller stamps `lastSequence`, so evolve need not.
   */
  evolve(view: V | null, event: EventEnvelope<E>): V | null;
}

/** A view with the stream position it reflects (which advances even when the view is null). */
export interface ViewState<V> {
  readonly view: V | null;
  readonly lastSequence: number;
}

/** What `save` reports: written, or the stored view was not at the expected position. */
export type SaveResult = 'saved' | 'conflict';

/** Where apply keeps views: a read of the view with its position, and a conditional write. */
export interface ProjectionStore<V extends ProjectedView> {
  /** The stored view and its `lastSequence` ({ view: null, lastSequence: 0 } when there is none). Strongly consistent. */
  load(id: string): Promise<ViewState<V>>;
  /**
   * Writes `view` (at `view.lastSequence`) only if the stored view is at `expectedLastSequence`
   * (0: only if there is none yet); otherwise writes nothing and reports `conflict`.
   */
  save(id: string, view: V, expectedLastSequence: number): Promise<SaveResult>;
}

/** Where rebuild writes views: unconditionally, except over a view that is further along. */
export interface RebuildTarget<V extends ProjectedView> {
  /**
   * Writes `view` unless the stored view reflects a later position (stored lastSequence >
   * view.lastSequence: a live apply got there first), which is reported as `stale`. An equal
   * position is overwritten (a rebuild after a change of evolve must replace same-position views).
   */
  replace(id: string, view: V): Promise<'saved' | 'stale'>;
}

export class SequenceGapError extends Error {
  readonly code = 'SEQUENCE_GAP';
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly got: number,
  ) {
    super(`stream ${streamId}: expected sequence ${expected}, got ${got}; read the missing events from the store first`);
    this.name = 'SequenceGapError';
  }
}

/**
 * Folds `events` (ordered by sequence) onto `from`. Events at or below `from.lastSequence` are
 * duplicates and skipped; a gap throws SequenceGapError. Events the projection does not handle
 * advance `lastSequence` only. The returned view carries `lastSequence` (stamped here).
 */
export function foldView<V extends ProjectedView, E extends EventType>(
  projection: Projection<V, E>,
  streamId: string,
  events: Iterable<EventEnvelope>,
  from: ViewState<V> = { view: projection.initialState(streamId), lastSequence: 0 },
): ViewState<V> {
  let { view, lastSequence } = from;
  for (const event of events) {
    if (event.sequence <= lastSequence) continue;
    if (event.sequence !== lastSequence + 1) throw new SequenceGapError(streamId, lastSequence + 1, event.sequence);
    lastSequence = event.sequence;
    if (projection.canHandle(event.type)) view = projection.evolve(view, event as EventEnvelope<E>);
    if (view !== null && view.lastSequence !== lastSequence) view = { ...view, lastSequence };
  }
  return { view, lastSequence };
}

/** Type guard builder for `canHandle`: `handles(['SlotAcquired', ...])`. */
export function handles<E extends EventType>(types: readonly E[]): (eventType: string) => eventType is E {
  const set = new Set<string>(types);
  return (eventType: string): eventType is E => set.has(eventType);
}
