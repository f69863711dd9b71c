/**
 * The User aggregate's state (stream `User#<userId>`): admission. Which tasks hold the user's
 * active slots, which wait in their FIFO queue, and which are done (so that a redelivered request
 * for a finished task does nothing). Counts are folds of events: nothing can drift.
 *
 * Invariants (kept by the decider, checked by the property tests): a task is in at most one of
 * active / queue / finished; the queue is in enqueue order and tasks leave it for a slot only from
 * its head.
 */
import type { SlotReleased } from '../../../schemas/generated/events/SlotReleased.v1';
import { assertNever } from '../../kernel/decider';
import type { DomainEvent, FoldableEvent } from '../../kernel/envelope';

export type UserEventType = 'SlotAcquired' | 'SlotReleased' | 'TaskEnqueued' | 'TaskDequeued';
export type UserEvent = DomainEvent<UserEventType>;
export type TerminalStatus = SlotReleased['terminalStatus'];

interface QueuedTask {
  readonly taskId: string;
  /** occurredAt of its TaskEnqueued. */
  readonly enqueuedAt: string;
}

export interface UserState {
  /** Tasks holding a slot, in the order they acquired it. */
  readonly active: readonly string[];
  /** Waiting tasks, oldest first. */
  readonly queue: readonly QueuedTask[];
  /** Tasks that released their slot or left the queue. */
  readonly finished: ReadonlySet<string>;
}

export const initialUserState = (): UserState => ({ active: [], queue: [], finished: new Set() });

const withFinished = (finished: ReadonlySet<string>, taskId: string): ReadonlySet<string> => new Set(finished).add(taskId);

export function evolveUser(state: UserState, event: FoldableEvent<UserEventType>): UserState {
  switch (event.type) {
    case 'SlotAcquired': {
      const { taskId } = event.data;
      return {
        ...state,
        active: [...state.active.filter((id) => id !== taskId), taskId],
        queue: state.queue.filter((q) => q.taskId !== taskId),
      };
    }
    case 'SlotReleased': {
      const { taskId } = event.data;
      return { ...state, active: state.active.filter((id) => id !== taskId), finished: withFinished(state.finished, taskId) };
    }
    case 'TaskEnqueued': {
      const { taskId } = event.data;
      return { ...state, queue: [...state.queue.filter((q) => q.taskId !== taskId), { taskId, enqueuedAt: event.occurredAt }] };
    }
    case 'TaskDequeued': {
      const { taskId } = event.data;
      return { ...state, queue: state.queue.filter((q) => q.taskId !== taskId), finished: withFinished(state.finished, taskId) };
    }
    default:
      return assertNever(event, 'User event');
  }
}

export type AdmissionStatus = 'active' | 'queued' | 'finished' | 'unknown';

export function admissionStatusOf(state: UserState, taskId: string): AdmissionStatus {
  if (state.active.includes(taskId)) return 'active';
  if (state.queue.some((q) => q.taskId === taskId)) return 'queued';
  if (state.finished.has(taskId)) return 'finished';
  return 'unknown';
}

/** 1-based place of a queued task (null when it is not queued). */
export function queuePositionOf(state: UserState, taskId: string): number | null {
  const i = state.queue.findIndex((q) => q.taskId === taskId);
  return i < 0 ? null : i + 1;
}
