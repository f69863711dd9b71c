/**
 * The lifecycle API keys and webhooks share: a credential is created once (a repeated creation
 * with the same data is a redelivery and changes nothing; another creation under the same id is
 * refused), and revoked at most once, by its owner only. Revoking a credential that does not exist
 * and revoking another user's give the same error, so ids cannot be probed.
 *
 * Each credential's decider keeps what is its own (its commands, name rule, event data) and
 * delegates the lifecycle here; the state is the creation's data plus the lifecycle's times.
 */
import type { DomainEvent, EventDataMap, EventType, FoldableEvent } from '../kernel/envelope';
import { DomainError } from '../kernel/errors';
import { checkData } from './common';

type CredentialStatus = 'NONE' | 'ACTIVE' | 'REVOKED';

/** A credential's state: before its creation every field of its data is null. */
export type CredentialState<Data> = { readonly status: CredentialStatus; readonly createdAt: string | null; readonly revokedAt: string | null } & {
  readonly [K in keyof Data]: Data[K] | null;
};

export interface CredentialKind<Created extends EventType, Revoked extends EventType, Code extends string> {
  /** As messages name it: `API key`, `webhook`. */
  readonly label: string;
  /** Short and plural forms for messages: `key`/`keys`, `webhook`/`webhooks`. */
  readonly short: string;
  readonly plural: string;
  /** The command that lists the user's credentials of this kind (named in the not-found message). */
  readonly listCommand: string;
  /** The field of the id in the creation's data and in error details: `keyId`, `webhookId`. */
  readonly idField: keyof EventDataMap[Created] & string;
  readonly created: Created;
  readonly revoked: Revoked;
  /** Every field of the creation's data (null in the state before the creation). */
  readonly fields: readonly (keyof EventDataMap[Created] & string)[];
  /** The fields a redelivered creation must repeat exactly (anything else is another creation). */
  readonly identity: readonly (keyof EventDataMap[Created] & string)[];
  readonly codes: { readonly taken: Code; readonly notFound: Code; readonly alreadyRevoked: Code };
}

export function credentialLifecycle<C extends EventType, R extends EventType, Code extends string>(kind: CredentialKind<C, R, Code>) {
  type Data = EventDataMap[C];
  type State = CredentialState<Data>;
  const initialState = (): State => ({ ...Object.fromEntries(kind.fields.map((k) => [k, null])), status: 'NONE', createdAt: null, revokedAt: null }) as State;

  function evolve(state: State, event: FoldableEvent<C | R>): State {
    if (event.type === kind.created) {
      const data = event.data as Data;
      const fields = Object.fromEntries(kind.fields.map((k) => [k, data[k] ?? null]));
      return { ...fields, status: 'ACTIVE', createdAt: event.occurredAt, revokedAt: null } as State;
    }
    if (event.type === kind.revoked) return { ...state, status: 'REVOKED', revokedAt: event.occurredAt };
    throw new Error(`unexpected ${kind.label} event: ${JSON.stringify(event.type)}`);
  }

  /** Creation: `data` has been checked by the credential's own rules already. */
  function create(data: Data, state: State): DomainEvent<C>[] {
    if (state.status === 'NONE') return [{ type: kind.created, data } as DomainEvent<C>];
    const same = kind.identity.every((field) => (state as Record<string, unknown>)[field] === (data as unknown as Record<string, unknown>)[field]);
    if (same) return [];
    const id = String((data as unknown as Record<string, unknown>)[kind.idField]);
    throw new DomainError<Code>(kind.codes.taken, `The ${kind.label} id ${id} is already in use; create the ${kind.short} again (a new id is drawn).`, {
      [kind.idField]: id,
    });
  }

  function revoke(id: string, userId: string, data: EventDataMap[R], state: State): DomainEvent<R>[] {
    if (state.status === 'NONE' || (state as Record<string, unknown>).userId !== userId) {
      // The same error (and no detail) whether the credential is missing or another user's.
      throw new DomainError<Code>(kind.codes.notFound, `No ${kind.label} ${JSON.stringify(id)} among yours; list your ${kind.plural} with \`${kind.listCommand}\`.`, {
        [kind.idField]: id,
      });
    }
    if (state.status === 'REVOKED') {
      throw new DomainError<Code>(kind.codes.alreadyRevoked, `The ${kind.label} ${id} was already revoked at ${state.revokedAt}.`, {
        [kind.idField]: id,
        revokedAt: state.revokedAt,
      });
    }
    checkData(kind.revoked, data, (issues) => `Invalid ${kind.label} revocation: ${issues.join('; ')}.`);
    return [{ type: kind.revoked, data } as DomainEvent<R>];
  }

  return { initialState, evolve, create, revoke };
}

