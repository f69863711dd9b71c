/**
 * Applying one delivered event to its stored view (docs/ARCHITECTURE.md "Projections"). Delivery is at-least-once and
 * unordered, so against the stored `lastSequence`:
 *
 *   sequence ≤ lastSequence      a duplicate (or an event already folded by gap healing): ignored
 *   sequence = lastSequence + 1  folded and written, conditioned on the stored lastSequence
 *   sequence > lastSequence + 1  a gap: the missing events (lastSequence+1 … sequence) are read
 *                                from the event store (strongly consistent) and folded in order,
 *                                then written the same way
 *
 * A conditional write that fails means another delivery moved the view meanwhile: reload and try
 * again (bounded; the last failure is thrown so that the message is retried). Since every write
 * moves the view forward by whole stream prefixes, the stored view is always
 * `foldView(projection, id, events 1..lastSequence)`, whatever the order of deliveries.
 *
 * Events the projection does not handle are not written on their own (they change nothing); the
 * next handled event folds over them through the gap path.
 */
import type { EventEnvelope, EventType } from '../services/kernel/envelope';
import type { EventStore } from '../services/kernel/event-store';
import { foldView, type ProjectedView, type Projection, type ProjectionStore, type ViewState } from './projection';

export type ApplyOutcome =
  | { readonly status: 'applied'; readonly lastSequence: number; readonly eventsFolded: number; readonly attempts: number }
  | { readonly status: 'duplicate'; readonly lastSequence: number }
  /** Not for this projection: another stream type, or an event type it does not handle. */
  | { readonly status: 'ignored'; readonly reason: 'stream-type' | 'event-type' }
  /** The fold produced no view (a corrupt stream: nothing to store). */
  | { readonly status: 'no-view'; readonly lastSequence: number };

export interface ApplyOptions {
  /** Loads and conditional writes before giving up on conflicts (default 5). */
  readonly maxAttempts?: number;
  /** Upper bound of the random pause between attempts, in ms (default 25 × attempt). */
  readonly backoffMs?: (attempt: number) => number;
}

export class ProjectionConflictError extends Error {
  readonly code = 'PROJECTION_CONFLICT';
  constructor(projection: string, id: string, attempts: number) {
    super(`${projection} ${id}: the view kept moving under ${attempts} attempts to write it; the event can be delivered again`);
    this.name = 'ProjectionConflictError';
  }
}

export class MissingEventsError extends Error {
  readonly code = 'MISSING_EVENTS';
  constructor(projection: string, id: string, from: number, to: number, got: readonly number[]) {
    super(
      `${projection} ${id}: needed events ${from}…${to} from the event store but read [${got.join(', ')}]; the event can be delivered again`,
    );
    this.name = 'MissingEventsError';
  }
}

/** The starting point of a fold over a stored state: the projection's initial view when nothing is stored. */
function startingState<V extends ProjectedView, E extends EventType>(projection: Projection<V, E>, id: string, stored: ViewState<V>): ViewState<V> {
  return stored.view === null && stored.lastSequence === 0 ? { view: projection.initialState(id), lastSequence: 0 } : stored;
}

export async function applyEvent<V extends ProjectedView, E extends EventType>(
  projection: Projection<V, E>,
  views: ProjectionStore<V>,
  events: Pick<EventStore, 'readStream'>,
  event: EventEnvelope,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  if (event.stream.type !== projection.streamType) return { status: 'ignored', reason: 'stream-type' };
  if (!projection.canHandle(event.type)) return { status: 'ignored', reason: 'event-type' };
  const id = event.stream.id;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoffMs ?? ((attempt: number) => 25 * attempt);

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const stored = await views.load(id);
    if (event.sequence <= stored.lastSequence) return { status: 'duplicate', lastSequence: stored.lastSequence };

    let batch: readonly EventEnvelope[] = [event];
    const from = stored.lastSequence + 1;
    if (event.sequence > from) {
      batch = await events.readStream(event.stream, { fromSequence: from, toSequence: event.sequence });
      const got = batch.map((e) => e.sequence);
      if (got.length !== event.sequence - from + 1 || got.some((s, i) => s !== from + i)) {
        throw new MissingEventsError(projection.name, id, from, event.sequence, got);
      }
    }
    const next = foldView(projection, id, batch, startingState(projection, id, stored));
    if (next.view === null) return { status: 'no-view', lastSequence: next.lastSequence };

    if ((await views.save(id, next.view, stored.lastSequence)) === 'saved') {
      return { status: 'applied', lastSequence: next.lastSequence, eventsFolded: batch.length, attempts: attempt };
    }
    if (attempt < maxAttempts) await sleep(Math.floor(Math.random() * backoff(attempt)));
  }
  throw new ProjectionConflictError(projection.name, id, maxAttempts);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
