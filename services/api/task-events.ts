/**
 * A task's events as the API lists them: its lifecycle events (the Task stream) and its agent's
 * progress events (the progress events store) in one list, so one poll loop sees everything.
 * Lifecycle events keep their event id; progress events are `progress-<seq>`.
 *
 * The list is ordered by ARRIVAL (when the platform recorded each event), not by the agent's
 * clock: a progress record that reaches the platform late still lands after the events a client
 * has already seen, so polling with `after=<last event_id>` never skips it. `timestamp` shows
 * when the event happened (occurredAt; the agent's `at` for progress).
 */
import type { TaskEvent } from '../../schemas/generated/api/TaskEvent';
import type { EventEnvelope } from '../kernel/envelope';
import type { ProgressEventItem, ProgressEventStore } from '../../projections/progress-view/progress-view';

/** Progress pages read per request (each up to 1,000 records). */
const PROGRESS_PAGE = 1000;

const progressEventId = (seq: number): string => `progress-${seq}`;

function lifecycleEvent(e: EventEnvelope): TaskEvent {
  return { event_id: e.id, event_type: e.type, timestamp: e.occurredAt, metadata: { sequence: e.sequence, ...(e.data as unknown as Record<string, unknown>) } };
}

function progressEvent(p: ProgressEventItem): TaskEvent {
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

/** Lifecycle and progress merged by arrival (stable: lifecycle first on a tie, each in its own order). */
export function mergeEvents(lifecycle: readonly EventEnvelope[], progress: readonly ProgressEventItem[]): TaskEvent[] {
  const entries = [
    ...lifecycle.map((e) => ({ event: lifecycleEvent(e), arrived: Date.parse(e.recordedAt) || 0 })),
    ...progress.map((p) => ({ event: progressEvent(p), arrived: Date.parse(p.recordedAt ?? p.at) || 0 })),
  ];
  return entries.map((x, i) => ({ ...x, i })).sort((a, b) => a.arrived - b.arrived || a.i - b.i).map((x) => x.event);
}
