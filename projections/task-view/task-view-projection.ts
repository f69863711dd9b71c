/**
 * The task-view projection: every Task event (stream `Task#<taskId>`) folded into a TaskView, the
 * read model of GET /v1/tasks and the watchdog's worklist. Pure.
 *
 * Field by field:
 *   createdAt            TaskSubmitted.occurredAt
 *   updatedAt            the latest occurredAt seen
 *   status               as the Task aggregate moves it (services/tasks/task/task-state.ts)
 *   queuedAt             TaskQueued.occurredAt; kept once admitted (when the task waited: a fact)
 *   queuePosition        TaskQueued.position; cleared by TaskAdmitted and TaskCancelled
 *   promptVersion        ContextHydrated
 *   sessionId, startedAt, deadlineAt, computeType   SessionStarted (computeType: the compute used)
 *   costUsd, turnsCompleted, buildPassed, lintPassed   SessionEnded
 *   prUrl, prNumber, warning                        TaskCompleted
 *   errorCode, errorMessage   TaskFailed (its code and reason), HydrationFailed (HYDRATION_FAILED),
 *                             TaskTimedOut (TIMED_OUT)
 *   completedAt          occurredAt of the terminal event (COMPLETED, FAILED, CANCELLED, TIMED_OUT)
 *   durationS            whole seconds from startedAt to completedAt; null when no session started
 *   cancelRequested      TaskCancellationRequested (TaskCancelled also sets it)
 *
 * NudgeReceived changes no field (only lastSequence): a message to the agent is not progress of the
 * task, and updatedAt feeds the watchdog's idle timers and the by-status order, as in the aggregate
 * (services/tasks/task/task-state.ts). The nudges themselves are seen in the progress view when the agent
 * gets them.
 */
import type { EventEnvelope } from '../../services/kernel/envelope';
import { STATUS_AFTER_EVENT, statusAfter, TASK_EVENT_TYPES, type TaskEventType } from '../../services/tasks/task/task-state';
import { assertNever } from '../../services/kernel/decider';
import { handles, type Projection } from '../projection';
import type { TaskView } from './task-view';

const TASK_VIEW_PROJECTION_NAME = 'task-view';

const TIMED_OUT_ERROR_CODE = 'TIMED_OUT';
const HYDRATION_FAILED_ERROR_CODE = 'HYDRATION_FAILED';

/** Whole seconds between two ISO times (null when either is missing or unparsable). */
export function durationSeconds(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : null;
}

const later = (a: string, b: string): string => (b > a ? b : a);

function ended(view: TaskView, at: string): Pick<TaskView, 'completedAt' | 'durationS'> {
  return { completedAt: at, durationS: durationSeconds(view.startedAt, at) };
}

export function evolveTaskView(view: TaskView | null, event: EventEnvelope<TaskEventType>): TaskView | null {
  const at = event.occurredAt;
  if (event.type === 'TaskSubmitted') {
    if (view !== null) return view; // one TaskSubmitted per stream; a second one changes nothing
    const d = event.data;
    return {
      taskId: d.taskId,
      userId: d.userId,
      status: STATUS_AFTER_EVENT.TaskSubmitted,
      repo: d.repo,
      issueNumber: d.issueNumber,
      taskDescription: d.taskDescription,
      branchName: d.branchName,
      sessionId: null,
      computeType: d.computeType,
      modelId: d.modelId,
      prUrl: null,
      prNumber: null,
      errorCode: null,
      errorMessage: null,
      warning: null,
      promptVersion: null,
      channelSource: d.channelSource,
      idempotencyKey: d.idempotencyKey,
      createdAt: at,
      updatedAt: at,
      startedAt: null,
      completedAt: null,
      durationS: null,
      costUsd: null,
      buildPassed: null,
      lintPassed: null,
      maxTurns: d.maxTurns,
      maxBudgetUsd: d.maxBudgetUsd,
      turnsCompleted: null,
      queuedAt: null,
      queuePosition: null,
      deadlineAt: null,
      cancelRequested: false,
      lastSequence: event.sequence,
    };
  }
  // No view without its TaskSubmitted: a sound stream starts with it (apply reads missing events
  // from the store before folding), so this is only reached on a corrupt stream.
  if (view === null) return null;
  // Before updatedAt is touched (see above); the switch below never sees it.
  if (event.type === 'NudgeReceived') return { ...view, lastSequence: event.sequence };
  const v: TaskView = { ...view, status: statusAfter(view.status, event.type), updatedAt: later(view.updatedAt, at), lastSequence: event.sequence };
  switch (event.type) {
    case 'TaskQueued':
      return { ...v, queuedAt: at, queuePosition: event.data.position };
    case 'TaskAdmitted':
      return { ...v, queuePosition: null };
    case 'ContextHydrated':
      return { ...v, promptVersion: event.data.promptVersion };
    case 'HydrationFailed':
      return { ...v, errorCode: HYDRATION_FAILED_ERROR_CODE, errorMessage: event.data.reason };
    case 'SessionStarted':
      return {
        ...v,
        sessionId: event.data.sessionId,
        computeType: event.data.computeType,
        startedAt: at,
        deadlineAt: event.data.deadlineAt,
      };
    case 'SessionEnded':
      return {
        ...v,
        costUsd: event.data.costUsd,
        turnsCompleted: event.data.turns,
        buildPassed: event.data.buildPassed,
        lintPassed: event.data.lintPassed,
      };
    case 'TaskCompleted':
      return {
        ...v,
        prUrl: event.data.prUrl,
        prNumber: event.data.prNumber,
        warning: event.data.warning,
        ...ended(v, at),
      };
    case 'TaskFailed':
      return { ...v, errorCode: event.data.code, errorMessage: event.data.reason, ...ended(v, at) };
    case 'TaskCancellationRequested':
      return { ...v, cancelRequested: true };
    case 'TaskCancelled':
      return { ...v, cancelRequested: true, queuePosition: null, ...ended(v, at) };
    case 'TaskTimedOut':
      return {
        ...v,
        errorCode: TIMED_OUT_ERROR_CODE,
        errorMessage: `The session passed its deadline (${event.data.deadlineAt}) and was stopped.`,
        ...ended(v, at),
      };
    default:
      return assertNever(event, 'Task event');
  }
}

export const taskViewProjection: Projection<TaskView, TaskEventType> = {
  name: TASK_VIEW_PROJECTION_NAME,
  version: 1,
  streamType: 'Task',
  canHandle: handles(TASK_EVENT_TYPES),
  initialState: () => null,
  evolve: evolveTaskView,
};
