/**
 * A task's events as the API lists them: its lifecycle events (the Task stream) and its agent's
 * progress events (the progress events store) in one list ordered by time, so one poll loop sees
 * everything. Lifecycle events keep their event id; progress events are `progress-<seq>`.
 */
import type { TaskEvent } from '../../schemas/generated/api/TaskEvent';
import type { EventEnvelope } from '../kernel/envelope';
import type { ProgressEventItem, ProgressEventStore } from '../../projections/progress-view/progress-view';

/** Progress pages read per request (each up to 1,000 records). */
const PROGRESS_PAGE = 1000;

export const progressEventId = (seq: number): string => `progress-${seq}`;

export function lifecycleEvent(e: EventEnvelope): TaskEvent {
  return { event_id: e.id, event_type: e.type, timestamp: e.occurredAt, metadata: { sequence: e.sequence, ...(e.data as unknown as Record<string, unknown>) } };
}

export function progressEvent(p: ProgressEventItem): TaskEvent {
  const { kind, ...fields } = p.event;
  return { event_id: progressEventId(p.seq), event_type: `agent_${kind}`, timestamp: p.at, metadata: { session_id: p.sessionId, seq: p.seq, ...fields } };
}

export async function allProgress(store: ProgressEventStore, taskId: string): Promise<ProgressEventItem[]> {
  const items: ProgressEventItem[] = [];
  let after: number | undefined;
  do {
    const page = await store.listProgress(taskId, { after, limit: PROGRESS_PAGE });
    items.push(...page.items);
    after = page.nextAfter;
  } while (after !== undefined);
  return items;
}

/** Lifecycle and progress merged by timestamp (stable: lifecycle first on a tie, each in its own order). */
export function mergeEvents(lifecycle: readonly EventEnvelope[], progress: readonly ProgressEventItem[]): TaskEvent[] {
  const all = [...lifecycle.map(lifecycleEvent), ...progress.map(progressEvent)];
  const time = (e: TaskEvent) => Date.parse(e.timestamp) || 0;
  return all.map((e, i) => ({ e, i })).sort((a, b) => time(a.e) - time(b.e) || a.i - b.i).map(({ e }) => e);
}
