/**
 * Rebuilding a view from the event store (the truth): every stream of the projection's type is
 * read (listStreams + readStream, strongly consistent), folded from scratch, and written over the
 * stored view with `replace`: unconditionally, except over a view that is further along.
 *
 * Race with live apply, and why it converges. Live apply only ever moves a view forward, one whole
 * stream prefix at a time, conditioned on the position it read. Rebuild writes the fold of the
 * stream as read, at position F, on the condition that the stored view is not past F:
 *   - stored ≤ F: the rebuilt view (the same or a later prefix, with the current evolve) replaces
 *     it. A live apply that read the old item then fails its condition (the position changed),
 *     reloads, and continues from the rebuilt view; one that arrives with a sequence ≤ F is a
 *     duplicate.
 *   - stored > F: a live apply wrote a later prefix after rebuild read the stream; rebuild reads
 *     the stream again and retries (bounded), since the live write may have folded onto a view
 *     made by an older evolve. When it still cannot win, the stream is reported `stale`: its view
 *     is at least as recent as the rebuild's read, and running the rebuild again settles it.
 * So the stored view never goes backwards, and once events stop, every view equals the fold of
 * its whole stream.
 *
 * This rebuilds in place. To switch reads only when a rebuild is complete, rebuild
 * into the tables of another prefix (the CLI's --view-prefix) and point readers at them.
 */
import type { EventType, StreamRef } from '../services/kernel/envelope';
import type { EventStore } from '../services/kernel/event-store';
import { foldView, type ProjectedView, type Projection, type RebuildTarget } from './projection';

export interface RebuildProgress {
  readonly projection: string;
  /** Streams done so far (written, stale, empty or failed). */
  readonly streams: number;
  readonly written: number;
  readonly events: number;
  readonly elapsedMs: number;
}

export interface RebuildReport extends RebuildProgress {
  /** Streams whose stored view stayed ahead of the store as read (a live apply won every attempt). */
  readonly stale: number;
  /** Streams that fold to no view (nothing written). */
  readonly empty: number;
  readonly failed: ReadonlyArray<{ readonly id: string; readonly error: string }>;
}

export interface RebuildOptions<V extends ProjectedView, E extends EventType> {
  readonly projection: Projection<V, E>;
  readonly events: Pick<EventStore, 'listStreams' | 'readStream'>;
  readonly views: RebuildTarget<V>;
  /** Streams rebuilt at the same time (default 8). */
  readonly concurrency?: number;
  /** Called after every `progressEvery` streams (default 100) and once at the end. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly progressEvery?: number;
  /** Reads and writes per stream when a live apply keeps getting ahead (default 3). */
  readonly maxAttempts?: number;
}

type StreamResult = { kind: 'written' | 'stale' | 'empty'; events: number } | { kind: 'failed'; error: string };

export async function rebuildProjection<V extends ProjectedView, E extends EventType>(options: RebuildOptions<V, E>): Promise<RebuildReport> {
  const { projection, events, views } = options;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const progressEvery = Math.max(1, options.progressEvery ?? 100);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const started = Date.now();
  const counts = { streams: 0, written: 0, stale: 0, empty: 0, events: 0 };
  const failed: Array<{ id: string; error: string }> = [];
  const progress = (): RebuildProgress => ({
    projection: projection.name,
    streams: counts.streams,
    written: counts.written,
    events: counts.events,
    elapsedMs: Date.now() - started,
  });

  const rebuildStream = async (stream: StreamRef): Promise<StreamResult> => {
    try {
      for (let attempt = 1; ; attempt++) {
        const read = await events.readStream(stream);
        const { view } = foldView(projection, stream.id, read);
        if (view === null) return { kind: 'empty', events: read.length };
        if ((await views.replace(stream.id, view)) === 'saved') return { kind: 'written', events: read.length };
        if (attempt >= maxAttempts) return { kind: 'stale', events: read.length };
      }
    } catch (err) {
      return { kind: 'failed', error: (err as Error).message };
    }
  };

  const record = (stream: StreamRef, result: StreamResult) => {
    counts.streams += 1;
    if (result.kind === 'failed') failed.push({ id: stream.id, error: result.error });
    else {
      counts[result.kind] += 1;
      counts.events += result.events;
    }
    if (counts.streams % progressEvery === 0) options.onProgress?.(progress());
  };

  // A small pool: up to `concurrency` streams in flight while listing goes on.
  const inFlight = new Set<Promise<void>>();
  for await (const stream of events.listStreams(projection.streamType)) {
    const task: Promise<void> = rebuildStream(stream).then((result) => {
      record(stream, result);
      inFlight.delete(task);
    });
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  const report: RebuildReport = { ...progress(), stale: counts.stale, empty: counts.empty, failed };
  if (counts.streams % progressEvery !== 0 || counts.streams === 0) options.onProgress?.(progress());
  return report;
}
