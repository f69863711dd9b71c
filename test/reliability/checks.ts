/**
 * What the reliability tests check, read from the event store (the truth): every task ended, no
 * event is duplicated, admission never exceeded the cap and served each user's queue in order,
 * and the stored views equal a fold of the store (a rebuild).
 */
import { foldView } from '../../projections/projection';
import { taskViewProjection } from '../../projections/task-view/task-view-projection';
import { concurrencyViewProjection } from '../../projections/concurrency-view/concurrency-view-projection';
import type { ViewStores } from '../../projections/view-stores';
import type { EventEnvelope } from '../../services/kernel/envelope';
import type { EventStore } from '../../services/kernel/event-store';
import { TERMINAL_EVENT_STATUS } from '../../services/tasks/task/task-state';

export async function streamsOf(store: EventStore, type: 'Task' | 'User'): Promise<Map<string, EventEnvelope[]>> {
  const out = new Map<string, EventEnvelope[]>();
  for await (const s of store.listStreams(type)) out.set(s.id, await store.readStream(s));
  return out;
}

const isTerminalEvent = (e: EventEnvelope) => e.type in TERMINAL_EVENT_STATUS;

/** Problems with the task streams (empty when all is well). */
export function taskStreamProblems(tasks: Map<string, EventEnvelope[]>, expectedIds: readonly string[]): string[] {
  const problems: string[] = [];
  const seenIds = new Set<string>();
  for (const id of expectedIds) if (!tasks.has(id)) problems.push(`task ${id}: no stream (lost)`);
  for (const [id, events] of tasks) {
    const terminal = events.filter(isTerminalEvent);
    if (terminal.length !== 1) problems.push(`task ${id}: ${terminal.length} terminal events (${events.map((e) => e.type).join(',')})`);
    else if (events.at(-1) !== terminal[0]) problems.push(`task ${id}: events after the terminal one (${events.map((e) => e.type).join(',')})`);
    for (const unique of ['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'SessionStarted', 'SessionEnded', 'TaskQueued'])
      if (events.filter((e) => e.type === unique).length > 1) problems.push(`task ${id}: ${unique} twice`);
    events.forEach((e, i) => {
      if (e.sequence !== i + 1) problems.push(`task ${id}: sequence ${e.sequence} at position ${i + 1}`);
      if (seenIds.has(e.id)) problems.push(`event id ${e.id} stored twice`);
      seenIds.add(e.id);
    });
  }
  return problems;
}

/**
 * Replays each user's stream event by event: never more than `cap` active; no task both active and
 * queued; queued tasks get their slot in enqueue order; at the end no slot is held.
 */
export function admissionProblems(users: Map<string, EventEnvelope[]>, cap: number): string[] {
  const problems: string[] = [];
  for (const [userId, events] of users) {
    const active = new Set<string>();
    const queue: string[] = [];
    let maxActive = 0;
    for (const e of events) {
      const taskId = (e.data as { taskId: string }).taskId;
      switch (e.type) {
        case 'SlotAcquired':
          if ((e.data as { fromQueue: boolean }).fromQueue) {
            if (queue[0] !== taskId) problems.push(`user ${userId}: ${taskId} admitted from the queue ahead of ${queue[0]}`);
            queue.splice(queue.indexOf(taskId), 1);
          }
          active.add(taskId);
          break;
        case 'TaskEnqueued':
          queue.push(taskId);
          break;
        case 'TaskDequeued':
          queue.splice(queue.indexOf(taskId), 1);
          break;
        case 'SlotReleased':
          active.delete(taskId);
          break;
      }
      maxActive = Math.max(maxActive, active.size);
      if (active.size > cap) problems.push(`user ${userId}: ${active.size} active tasks after event ${e.sequence}`);
      for (const t of queue) if (active.has(t)) problems.push(`user ${userId}: ${t} both active and queued`);
    }
    if (active.size > 0) problems.push(`user ${userId}: slots still held at the end by ${[...active].join(', ')}`);
    if (queue.length > 0) problems.push(`user ${userId}: tasks still queued at the end: ${queue.join(', ')}`);
  }
  return problems;
}

/** Differences between the stored views and a fold of the store. */
export async function viewProblems(views: ViewStores, tasks: Map<string, EventEnvelope[]>, users: Map<string, EventEnvelope[]>): Promise<string[]> {
  const problems: string[] = [];
  for (const [id, events] of tasks) {
    const expected = foldView(taskViewProjection, id, events).view;
    const stored = await views.taskViews.get(id);
    if (canonical(stored) !== canonical(expected)) problems.push(`task view ${id}: stored ${canonical(stored)} ≠ rebuilt ${canonical(expected)}`);
  }
  for (const [id, events] of users) {
    const expected = foldView(concurrencyViewProjection, id, events).view;
    const stored = await views.concurrencyViews.get(id);
    if (canonical(stored) !== canonical(expected)) problems.push(`concurrency view ${id}: stored ${canonical(stored)} ≠ rebuilt ${canonical(expected)}`);
  }
  return problems;
}

export async function allTerminal(store: EventStore, taskIds: readonly string[]): Promise<boolean> {
  for (const id of taskIds) {
    const events = await store.readStream({ type: 'Task', id });
    if (!events.some(isTerminalEvent)) return false;
  }
  return true;
}

/** JSON with sorted keys (stored items come back in another key order); undefined and null alike. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
