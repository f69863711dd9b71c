/**
 * Valid sample events for store and bus tests: small, schema-valid, easy to tell apart.
 */
import { ulid } from 'ulid';
import type { PendingEvent, StreamRef } from '../envelope';

export const taskStream = (id: string): StreamRef => ({ type: 'Task', id });
export const userStream = (id: string): StreamRef => ({ type: 'User', id });

/** A `TaskQueued` event (any valid event would do; this one has a counter to check order). */
export function sampleEvent(position: number, correlationId = 'test'): PendingEvent {
  return {
    id: ulid(),
    type: 'TaskQueued',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    correlationId,
    causationId: correlationId,
    source: 'abca.task',
    data: { userId: 'u-1', position },
    metadata: { actor: 'system' },
  } as PendingEvent;
}

export function sampleEvents(count: number, correlationId = 'test'): PendingEvent[] {
  return Array.from({ length: count }, (_, i) => sampleEvent(i + 1, correlationId));
}
