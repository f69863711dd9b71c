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
  /** What each command can emit (see CommandEvents). */
  readonly commandEvents?: CommandEvents<Command, E>;
}

/** The `type` of each command of a command union. */
type CommandTypeOf<Command> = Command extends { readonly type: infer T extends string } ? T : never;

/**
 * A decider's command → event table: the event types `decide` may return for each command type.
 * The decider tests check that `decide` keeps to it (services/kernel/testing/given-when-then.ts and
 * the property tests), and the catalog's emit check maps the commands each consumer issues
 * through it (test/architecture/catalog-emits.test.ts).
 */
export type CommandEvents<Command, E extends EventType> = { readonly [K in CommandTypeOf<Command>]: readonly E[] };

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
