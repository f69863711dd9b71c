/**
 * Reads one aggregate's current state outside a command: its stream, folded through its decider
 * (strongly consistent). Services use it to decide whether there is anything to do at all — and
 * what to ask compute or the git provider — before they send a command, which re-reads through
 * the command handler anyway.
 */
import { fold, type Decider } from './decider';
import type { EventType, FoldableEvent, StreamRef } from './envelope';
import type { EventStore } from './event-store';

export async function loadAggregate<State, E extends EventType>(
  store: Pick<EventStore, 'readStream'>,
  stream: StreamRef,
  decider: Pick<Decider<unknown, State, E>, 'initialState' | 'evolve'>,
): Promise<State> {
  const events = await store.readStream(stream);
  // A stream holds only its aggregate's event types (the store validates every append).
  return fold(decider, events as unknown as FoldableEvent<E>[]);
}
