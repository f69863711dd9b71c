/**
 * Given/when/then for deciders (test-only helper).
 *
 *   const { given } = deciderSpec(taskDecider);
 *   given([{ type: 'TaskSubmitted', data }]).when({ type: 'AdmitTask', ... }).then([{ type: 'TaskAdmitted', data }]);
 *   given([...]).when(cmd).thenThrows('INVALID_TRANSITION', /HYDRATING/);
 *   given([...]).when(cmd).thenNothing();
 *
 * Given events are `{type, data}`; each gets `occurredAt` (one second apart from GIVEN_EPOCH, unless
 * given) and a 1-based `sequence`. Every given event and every event the decider produces is
 * validated against its JSON Schema, so a test also proves the events are storable, and checked
 * against the decider's command → event table (`commandEvents`), so the table the catalog's emit
 * check relies on is proven by every decider test.
 *
 * Nothing runs until `then*` / `events()` is called. The outcome object has a `then` method, so do
 * not `await` it or return it from a test function (finish with `.then(...)`, `.thenNothing()`, ...).
 */
import type { Decider } from '../decider';
import type { DomainEvent, EventType, FoldableEvent } from '../envelope';
import { DomainError } from '../errors';
import { validateEventData } from '../validation';

/** occurredAt of the first given event; later ones follow one second apart. */
const GIVEN_EPOCH = '2025-01-01T00:00:00.000Z';

export type GivenEvent<E extends EventType = EventType> = E extends EventType
  ? DomainEvent<E> & { readonly occurredAt?: string }
  : never;

/** `{type, data}` → a foldable event with a default occurredAt (GIVEN_EPOCH + i seconds) and sequence. */
export function toFoldable<E extends EventType>(events: readonly GivenEvent<E>[]): FoldableEvent<E>[] {
  const base = Date.parse(GIVEN_EPOCH);
  return events.map(
    (e, i) =>
      ({
        type: e.type,
        data: e.data,
        occurredAt: e.occurredAt ?? new Date(base + i * 1000).toISOString(),
        sequence: i + 1,
      }) as FoldableEvent<E>,
  );
}

/** Fails when `decide` returned an event that the decider's command → event table does not list for the command. */
export function expectListedEvents<Command, E extends EventType>(decider: Pick<Decider<Command, unknown, E>, 'commandEvents'>, command: Command, produced: readonly DomainEvent<E>[]): void {
  const table = decider.commandEvents as Readonly<Record<string, readonly string[]>> | undefined;
  if (!table) return;
  const type = (command as { readonly type: string }).type;
  const unlisted = produced.filter((e) => !(table[type] ?? []).includes(e.type)).map((e) => e.type);
  if (unlisted.length > 0) throw new Error(`${type} produced ${unlisted.join(', ')}, which the decider's commandEvents table does not list for ${type} (it lists ${(table[type] ?? []).join(', ') || 'nothing'})`);
}

export interface Outcome<E extends EventType> {
  /** The decider produced exactly these events (compared with toEqual), each valid against its schema. */
  then(expected: readonly DomainEvent<E>[]): DomainEvent<E>[];
  /** The decider threw a DomainError with this code (and, when given, a message matching `message`). */
  thenThrows(code: string, message?: RegExp | string): DomainError;
  /** The decider produced no event (the command was already applied, or is a stale redelivery). */
  thenNothing(): void;
  /** Runs decide and returns what it produced (validated), for assertions of your own. */
  events(): DomainEvent<E>[];
}

export interface Given<Command, State, E extends EventType> {
  when(command: Command): Outcome<E>;
  /** The state folded from the given events. */
  state(): State;
}

export function deciderSpec<Command, State, E extends EventType>(decider: Decider<Command, State, E>) {
  function given(events: readonly GivenEvent<E>[] = []): Given<Command, State, E> {
    for (const e of events) validateEventData(e.type, e.data);
    const foldable = toFoldable(events);
    const state = (): State => foldable.reduce((s, e) => decider.evolve(s, e), decider.initialState());
    return {
      state,
      when(command: Command): Outcome<E> {
        const run = (): DomainEvent<E>[] => {
          const produced = decider.decide(command, state());
          for (const e of produced) validateEventData(e.type, e.data);
          expectListedEvents(decider, command, produced);
          return produced;
        };
        return {
          then(expected) {
            const produced = run();
            expect(produced).toEqual(expected);
            return produced;
          },
          thenThrows(code, message) {
            let thrown: unknown;
            let produced: DomainEvent<E>[] | undefined;
            try {
              produced = decider.decide(command, state());
            } catch (err) {
              thrown = err;
            }
            if (thrown === undefined) {
              expectListedEvents(decider, command, produced!);
              throw new Error(`expected DomainError ${code}, but the decider produced ${JSON.stringify(produced)}`);
            }
            expect(thrown).toBeInstanceOf(DomainError);
            const err = thrown as DomainError;
            expect(err.code).toBe(code);
            if (message !== undefined) expect(err.message).toMatch(message);
            return err;
          },
          thenNothing() {
            expect(run()).toEqual([]);
          },
          events: run,
        };
      },
    };
  }
  return { given };
}
