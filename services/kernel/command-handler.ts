/**
 * Command handling: load → fold → decide → append, and on a conflict re-read and decide again
 * (bounded retries with full jitter). Works for one stream or several: a command that must change
 * several streams together (admission: the user's slots and the task's status) loads what it
 * needs through the transaction and emits events per stream; the append is one atomic write.
 */
import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Decider } from './decider';
import { fold } from './decider';
import type { DomainEvent, EventEnvelope, EventType, PendingEvent, StreamRef } from './envelope';
import { sourceOf, streamKey } from './envelope';
import type { AppendRequest, EventStore } from './event-store';
import { schemaVersionOf } from './validation';

export interface CommandContext {
  /** Ties a whole flow together: the task id, or the request id. */
  readonly correlationId: string;
  /** The event or request that caused this command. */
  readonly causationId: string;
  /** `user:<id>`, `service:<name>` or `system`. */
  readonly actor: string;
  /** The command's clock: becomes `occurredAt` of every event it produces. */
  readonly now: Date;
  readonly traceId?: string;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 1000 };

export class ConcurrencyError extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(readonly streams: readonly StreamRef[], attempts: number) {
    super(`still conflicting on ${streams.map(streamKey).join(', ')} after ${attempts} attempts; the command can be retried`);
    this.name = 'ConcurrencyError';
  }
}

/** What a command body sees: loads (memoised, each at one position) and emits per stream. */
export interface CommandTransaction {
  load(stream: StreamRef): Promise<readonly EventEnvelope[]>;
  fold<S, E extends EventType>(decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, stream: StreamRef): Promise<S>;
  emit(stream: StreamRef, events: readonly DomainEvent[]): void;
}

export type CommandResult<R> =
  | { readonly status: 'appended'; readonly events: readonly EventEnvelope[]; readonly result: R }
  | { readonly status: 'noop'; readonly result: R };

const nextUlid = monotonicFactory();

/** Wraps domain events into envelopes ready to append (ids, times, correlation, source). */
function toPendingEvents(stream: StreamRef, events: readonly DomainEvent[], context: CommandContext): PendingEvent[] {
  const occurredAt = context.now.toISOString();
  return events.map(
    (event) =>
      ({
        id: nextUlid(context.now.getTime()),
        type: event.type,
        schemaVersion: schemaVersionOf(event.type),
        occurredAt,
        correlationId: context.correlationId,
        causationId: context.causationId,
        source: sourceOf(stream),
        data: event.data,
        metadata: { actor: context.actor, ...(context.traceId ? { traceId: context.traceId } : {}) },
      }) as PendingEvent,
  );
}

/**
 * Runs `body` against fresh reads until its events append without conflict. The body must be
 * deterministic given what it loads (a decider is), since it may run several times.
 */
export async function runCommand<R>(
  store: EventStore,
  context: CommandContext,
  body: (tx: CommandTransaction) => Promise<R> | R,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<CommandResult<R>> {
  let lastConflict: readonly StreamRef[] = [];
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    const loaded = new Map<string, { stream: StreamRef; events: readonly EventEnvelope[] }>();
    const emitted = new Map<string, { stream: StreamRef; events: DomainEvent[] }>();
    const tx: CommandTransaction = {
      async load(stream) {
        const key = streamKey(stream);
        let entry = loaded.get(key);
        if (!entry) {
          entry = { stream, events: await store.readStream(stream) };
          loaded.set(key, entry);
        }
        return entry.events;
      },
      async fold(decider, stream) {
        return fold(decider, (await tx.load(stream)) as never);
      },
      emit(stream, events) {
        const key = streamKey(stream);
        if (!loaded.has(key)) throw new Error(`emit to ${key} before loading it: its expected sequence is unknown`);
        if (events.length === 0) return;
        const entry = emitted.get(key) ?? { stream, events: [] };
        entry.events.push(...events);
        emitted.set(key, entry);
      },
    };
    const result = await body(tx);
    if (emitted.size === 0) return { status: 'noop', result };

    const requests: AppendRequest[] = [...emitted].map(([key, { stream, events }]) => ({
      stream,
      expectedSequence: loaded.get(key)!.events.length === 0 ? 0 : loaded.get(key)!.events.at(-1)!.sequence,
      events: toPendingEvents(stream, events, context),
    }));
    const appended =
      requests.length === 1
        ? await store.append(requests[0]!)
        : await store.appendMany(requests, { idempotencyToken: idempotencyTokenFor(context, requests) });
    if (appended.status === 'appended') return { status: 'appended', events: appended.events, result };
    lastConflict = appended.streams;
    if (attempt < retry.maxAttempts) await sleep(jitteredDelay(retry, attempt));
  }
  throw new ConcurrencyError(lastConflict, retry.maxAttempts);
}

/** The common case: one decider, one stream. */
export async function handleCommand<C, S, E extends EventType>(
  store: EventStore,
  decider: Decider<C, S, E>,
  stream: StreamRef,
  command: C,
  context: CommandContext,
  retry?: RetryPolicy,
): Promise<CommandResult<S>> {
  return runCommand<S>(
    store,
    context,
    async (tx) => {
      const state = await tx.fold(decider, stream);
      const events = decider.decide(command, state);
      tx.emit(stream, events);
      const occurredAt = context.now.toISOString();
      let next: S = state;
      for (const event of events) next = decider.evolve(next, { ...event, occurredAt } as never);
      return next;
    },
    retry,
  );
}

/** Same cause + same positions → same token, so a retried identical append is a no-op. */
function idempotencyTokenFor(context: CommandContext, requests: readonly AppendRequest[]): string {
  const positions = requests.map((r) => `${streamKey(r.stream)}@${r.expectedSequence}+${r.events.length}`).sort();
  return createHash('sha256').update(`${context.causationId}|${positions.join('|')}`).digest('hex');
}

/** Full jitter: uniform in [0, min(max, base · 2^attempt)). */
export function jitteredDelay(retry: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
