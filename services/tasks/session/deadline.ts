/**
 * The session deadline, scheduled durably when a session starts (EventBridge Scheduler in AWS, the
 * local scheduler on one machine): at `deadlineAt` the scheduler puts `SessionDeadlineReached`
 * (source `abca.scheduler`) on the bus and the watchdog times the task out. One schedule per task,
 * named after it, so scheduling again (a redelivered start) replaces it with the same content, and
 * the finalizer and the cancellation service can cancel it by name.
 */
import type { Scheduler } from '../../ports/scheduler';

export const DEADLINE_SOURCE = 'abca.scheduler';
export const DEADLINE_DETAIL_TYPE = 'SessionDeadlineReached';

export interface SessionDeadlineDetail {
  readonly taskId: string;
  readonly sessionId: string;
  readonly deadlineAt: string;
}

export const deadlineScheduleName = (taskId: string): string => `deadline-${taskId}`;

export async function scheduleDeadline(scheduler: Scheduler, taskId: string, session: { readonly sessionId: string; readonly deadlineAt: string }): Promise<void> {
  const detail: SessionDeadlineDetail = { taskId, sessionId: session.sessionId, deadlineAt: session.deadlineAt };
  await scheduler.scheduleOnce(deadlineScheduleName(taskId), new Date(session.deadlineAt), {
    source: DEADLINE_SOURCE,
    detailType: DEADLINE_DETAIL_TYPE,
    detail: { ...detail },
  });
}

export async function cancelDeadline(scheduler: Scheduler, taskId: string): Promise<void> {
  await scheduler.cancel(deadlineScheduleName(taskId));
}

/** The detail of a SessionDeadlineReached trigger, or null when it is not one. */
export function parseDeadlineDetail(detail: Readonly<Record<string, unknown>>): SessionDeadlineDetail | null {
  const { taskId, sessionId, deadlineAt } = detail;
  if (typeof taskId !== 'string' || typeof sessionId !== 'string' || typeof deadlineAt !== 'string') return null;
  if (Number.isNaN(Date.parse(deadlineAt))) return null;
  return { taskId, sessionId, deadlineAt };
}
