/**
 * Property: whatever admission commands arrive, in whatever order (repeated, for unknown tasks, ...),
 * the folded User state never has more active tasks than the cap, no task is in two places, the
 * queue is served strictly in enqueue order, nobody waits while a slot is free, and each command
 * produces only what its row of USER_COMMAND_EVENTS lists.
 */
import fc from 'fast-check';
import type { FoldableEvent } from '../../kernel/envelope';
import { isDomainError } from '../../kernel/errors';
import { expectListedEvents } from '../../kernel/testing/given-when-then';
import { validateEventData } from '../../kernel/validation';
import type { UserCommand } from './user-commands';
import { userDecider } from './user-decider';
import type { UserEvent, UserEventType, UserState } from './user-state';

const HOUR = 3_600_000;
const BASE = Date.UTC(2025, 0, 1);
const taskId = fc.constantFrom('t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8');
const terminal = fc.constantFrom('COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT');

/** A command, with the cap filled in per run; ExpireQueue uses the run's clock. */
type Step =
  | { readonly kind: 'request'; readonly taskId: string }
  | { readonly kind: 'release'; readonly taskId: string; readonly status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT' }
  | { readonly kind: 'expire'; readonly maxAgeHours: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: taskId.map((id): Step => ({ kind: 'request', taskId: id })) },
  { weight: 2, arbitrary: fc.record({ taskId, status: terminal }).map((r): Step => ({ kind: 'release', ...r })) },
  { weight: 1, arbitrary: fc.constantFrom(2, 5, 12).map((h): Step => ({ kind: 'expire', maxAgeHours: h })) },
);

function toCommand(s: Step, cap: number, now: string): UserCommand {
  switch (s.kind) {
    case 'request':
      return { type: 'RequestAdmission', taskId: s.taskId, cap };
    case 'release':
      return { type: 'ReleaseSlot', taskId: s.taskId, terminalStatus: s.status, cap };
    case 'expire':
      return { type: 'ExpireQueue', now, maxAgeMs: s.maxAgeHours * HOUR };
  }
}

function tryDecide(c: UserCommand, state: UserState): UserEvent[] {
  try {
    return userDecider.decide(c, state);
  } catch (err) {
    if (isDomainError(err)) return [];
    throw err;
  }
}

/** Plain checks (not expect: this runs for every event of every run). */
function check(ok: boolean, what: string, state: UserState): void {
  if (!ok) throw new Error(`${what}: ${JSON.stringify({ ...state, finished: [...state.finished] })}`);
}

function checkInvariants(state: UserState, cap: number): void {
  const queued = state.queue.map((q) => q.taskId);
  check(state.active.length <= cap, 'more active tasks than the cap', state);
  check(new Set(state.active).size === state.active.length, 'a task is active twice', state);
  check(new Set(queued).size === queued.length, 'a task is queued twice', state);
  check(!state.active.some((id) => queued.includes(id) || state.finished.has(id)), 'an active task is also queued or finished', state);
  check(!queued.some((id) => state.finished.has(id)), 'a queued task is also finished', state);
  const times = state.queue.map((q) => Date.parse(q.enqueuedAt));
  check(times.every((t, i) => i === 0 || times[i - 1]! <= t), 'the queue is not in enqueue order', state);
}

describe('User decider properties', () => {
  it('keeps the cap, keeps tasks in one place, serves the queue FIFO, and is idempotent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(step, { minLength: 1, maxLength: 40 }), (cap, steps) => {
        let state = userDecider.initialState();
        const enqueueOrder: string[] = [];
        const admittedFromQueue: string[] = [];
        steps.forEach((s, i) => {
          const now = new Date(BASE + i * HOUR).toISOString();
          const command = toCommand(s, cap, now);
          const events = tryDecide(command, state);
          expectListedEvents(userDecider, command, events);
          for (const e of events) {
            validateEventData(e.type, e.data);
            if (e.type === 'TaskEnqueued') {
              enqueueOrder.push(e.data.taskId);
              check(e.data.position === state.queue.length + 1, `TaskEnqueued position ${e.data.position}`, state);
            }
            if (e.type === 'SlotAcquired' && e.data.fromQueue) {
              // a queued task gets a slot only from the head of the queue
              check(state.queue[0]?.taskId === e.data.taskId, `${e.data.taskId} admitted from the queue ahead of its head`, state);
              admittedFromQueue.push(e.data.taskId);
            }
            state = userDecider.evolve(state, { ...e, occurredAt: now } as FoldableEvent<UserEventType>);
            if (e.type === 'SlotAcquired') check(e.data.activeCount === state.active.length, 'wrong activeCount', state);
            checkInvariants(state, cap);
          }
          // after a command (not between its events), nobody waits while a slot is free (the cap is fixed in a run)
          check(state.queue.length === 0 || state.active.length === cap, 'a task waits while a slot is free', state);
          // applied once, a command has no second effect
          if (events.length > 0) check(tryDecide(command, state).length === 0, `${command.type} had a second effect`, state);
        });
        // admitted order = enqueue order (the admitted ones are a prefix-ordered subsequence)
        const order = enqueueOrder.filter((id) => admittedFromQueue.includes(id));
        expect(admittedFromQueue).toEqual(order);
      }),
      { numRuns: 600 },
    );
  });
});
