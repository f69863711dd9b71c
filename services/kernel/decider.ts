/**
 * The decider shape (as in the Emmett library): pure functions, no I/O, no clock.
 * `decide` returns the events a command causes ([] when it was already applied), or throws a
 * DomainError when the command is not valid in the current state.
 */
import type { DomainEvent, EventType, FoldableEvent } from './envelope';

export interface Decider<Command, State, E extends EventType> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: FoldableEvent<E>) => State;
  readonly decide: (command: Command, state: State) => DomainEvent<E>[];
}

export function fold<State, E extends EventType>(
  decider: Pick<Decider<unknown, State, E>, 'initialState' | 'evolve'>,
  events: Iterable<FoldableEvent<E>>,
): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Compile-time exhaustiveness for `switch` over a union: a new case is a type error here. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
