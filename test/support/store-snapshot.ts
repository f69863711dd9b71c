/**
 * A fingerprint of everything in an event store, to prove that a request wrote nothing: the number
 * of events, a SHA-256 over every event (stream key, sequence, id, type, data), and each stream's
 * last sequence with a hash of its events. Compare two snapshots with `changedStreams`.
 */
import { createHash } from 'node:crypto';
import type { EventStore } from '../../services/kernel/event-store';
import { streamKey } from '../../services/kernel/envelope';

export interface StoreSnapshot {
  readonly count: number;
  /** SHA-256 over all events, in (stream key, sequence) order. */
  readonly hash: string;
  /** Stream key → `<last sequence>:<hash of the stream's events>`. */
  readonly streams: ReadonlyMap<string, string>;
}

export async function storeSnapshot(store: Pick<EventStore, 'readAll'>): Promise<StoreSnapshot> {
  const lines: Array<{ key: string; sequence: number; line: string }> = [];
  for await (const e of store.readAll()) {
    const key = streamKey(e.stream);
    lines.push({ key, sequence: e.sequence, line: `${key}\u0000${e.sequence}\u0000${e.id}\u0000${e.type}\u0000${JSON.stringify(e.data)}` });
  }
  lines.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.sequence - b.sequence));
  const all = createHash('sha256');
  const perStream = new Map<string, { last: number; hash: ReturnType<typeof createHash> }>();
  for (const { key, sequence, line } of lines) {
    all.update(line).update('\n');
    let s = perStream.get(key);
    if (!s) perStream.set(key, (s = { last: 0, hash: createHash('sha256') }));
    s.last = sequence;
    s.hash.update(line).update('\n');
  }
  return { count: lines.length, hash: all.digest('hex'), streams: new Map([...perStream].map(([k, s]) => [k, `${s.last}:${s.hash.digest('hex')}`])) };
}

/** Stream keys that were added or changed (or removed) between two snapshots, sorted. */
export function changedStreams(before: StoreSnapshot, after: StoreSnapshot): string[] {
  const keys = new Set([...before.streams.keys(), ...after.streams.keys()]);
  return [...keys].filter((k) => before.streams.get(k) !== after.streams.get(k)).sort();
}
