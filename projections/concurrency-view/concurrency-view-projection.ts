/**
 * The concurrency-view projection: the User stream's admission events folded into the tasks that
 * hold a slot and the FIFO queue, per user. Pure; the same transitions as the User aggregate
 * (services/users/user/user-state.ts), without the set of finished tasks (the decider's memory, not a view).
 */
import type { EventEnvelope } from '../../services/kernel/envelope';
import { assertNever } from '../../services/kernel/decider';
import type { UserEventType } from '../../services/users/user/user-state';
import { handles, type Projection } from '../projection';
import type { ConcurrencyView } from './concurrency-view';

const CONCURRENCY_VIEW_PROJECTION_NAME = 'concurrency-view';

const USER_EVENT_TYPES = ['SlotAcquired', 'SlotReleased', 'TaskEnqueued', 'TaskDequeued'] as const satisfies readonly UserEventType[];

const initialConcurrencyView = (userId: string): ConcurrencyView => ({ userId, active: [], queued: [], lastSequence: 0 });

export function evolveConcurrencyView(view: ConcurrencyView | null, event: EventEnvelope<UserEventType>): ConcurrencyView {
  const v: ConcurrencyView = { ...(view ?? initialConcurrencyView(event.stream.id)), lastSequence: event.sequence };
  switch (event.type) {
    case 'SlotAcquired': {
      const { taskId } = event.data;
      return { ...v, active: [...v.active.filter((id) => id !== taskId), taskId], queued: v.queued.filter((q) => q.taskId !== taskId) };
    }
    case 'SlotReleased': {
      const { taskId } = event.data;
      return { ...v, active: v.active.filter((id) => id !== taskId) };
    }
    case 'TaskEnqueued': {
      const { taskId } = event.data;
      return { ...v, queued: [...v.queued.filter((q) => q.taskId !== taskId), { taskId, enqueuedAt: event.occurredAt }] };
    }
    case 'TaskDequeued': {
      const { taskId } = event.data;
      return { ...v, queued: v.queued.filter((q) => q.taskId !== taskId) };
    }
    default:
      return assertNever(event, 'User event');
  }
}

export const concurrencyViewProjection: Projection<ConcurrencyView, UserEventType> = {
  name: CONCURRENCY_VIEW_PROJECTION_NAME,
  version: 1,
  streamType: 'User',
  canHandle: handles(USER_EVENT_TYPES),
  initialState: initialConcurrencyView,
  evolve: evolveConcurrencyView,
};
