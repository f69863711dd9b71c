/**
 * The Task aggregate's state (stream `Task#<taskId>`): a fold of its lifecycle events.
 *
 *   (none) ─TaskSubmitted→ SUBMITTED ─TaskQueued→ QUEUED
 *   SUBMITTED | QUEUED ─TaskAdmitted→ HYDRATING ─(ContextHydrated)─SessionStarted→ RUNNING
 *   RUNNING ─SessionEnded→ FINALIZING ─TaskCompleted | TaskFailed→ COMPLETED | FAILED
 *   SUBMITTED | QUEUED | HYDRATING | RUNNING ─TaskCancelled→ CANCELLED
 *   RUNNING ─TaskTimedOut→ TIMED_OUT;  any non-terminal ─TaskFailed→ FAILED
 *
 * ContextHydrated, HydrationFailed and TaskCancellationRequested record facts without changing the
 * status. NudgeReceived (a user's message to the agent) only adds its nudge id, for idempotency: it
 * leaves `updatedAt` alone, because `updatedAt` measures the task's own progress (the watchdog's
 * idle timers, the task view's by-status order) and a message to the agent is not progress. Evolve trusts the stream (events are facts the decider already checked); an event before
 * TaskSubmitted means the stream is corrupt, and evolve throws.
 */
import type { ContextHydrated } from '../../../schemas/generated/events/ContextHydrated.v1';
import type { HydrationFailed } from '../../../schemas/generated/events/HydrationFailed.v1';
import type { SessionEnded } from '../../../schemas/generated/events/SessionEnded.v1';
import type { SessionStarted } from '../../../schemas/generated/events/SessionStarted.v1';
import type { TaskCompleted } from '../../../schemas/generated/events/TaskCompleted.v1';
import type { TaskFailed } from '../../../schemas/generated/events/TaskFailed.v1';
import type { TaskSubmitted } from '../../../schemas/generated/events/TaskSubmitted.v1';
import { assertNever } from '../../kernel/decider';
import type { DomainEvent, FoldableEvent } from '../../kernel/envelope';

export const TASK_STATUSES = [
  'SUBMITTED',
  'QUEUED',
  'HYDRATING',
  'RUNNING',
  'FINALIZING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const satisfies readonly TaskStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** Every non-terminal status: the task is still in flight (and, from HYDRATING on, holds a slot). */
const ACTIVE_STATUSES = ['SUBMITTED', 'QUEUED', 'HYDRATING', 'RUNNING', 'FINALIZING'] as const satisfies readonly TaskStatus[];
export type ActiveStatus = (typeof ACTIVE_STATUSES)[number];

export function isTerminal(status: TaskStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly TaskStatus[]).includes(status);
}

export type TaskEventType =
  | 'TaskSubmitted'
  | 'TaskQueued'
  | 'TaskAdmitted'
  | 'ContextHydrated'
  | 'HydrationFailed'
  | 'SessionStarted'
  | 'SessionEnded'
  | 'TaskCompleted'
  | 'TaskFailed'
  | 'TaskCancellationRequested'
  | 'TaskCancelled'
  | 'TaskTimedOut'
  | 'NudgeReceived';

/** Every event type of the Task stream (the ones the admission, terminal-event rules etc. match on). */
export const TASK_EVENT_TYPES = [
  'TaskSubmitted',
  'TaskQueued',
  'TaskAdmitted',
  'ContextHydrated',
  'HydrationFailed',
  'SessionStarted',
  'SessionEnded',
  'TaskCompleted',
  'TaskFailed',
  'TaskCancellationRequested',
  'TaskCancelled',
  'TaskTimedOut',
  'NudgeReceived',
] as const satisfies readonly TaskEventType[];

/**
 * The task-status transition table: the status each event moves a task to; null when the event
 * records a fact and the status stays. The Task aggregate and the task view both fold with it, so
 * the two cannot disagree on where an event leads (which commands may cause the event, from which
 * status, is the decider's job).
 */
export const STATUS_AFTER_EVENT = {
  TaskSubmitted: 'SUBMITTED',
  TaskQueued: 'QUEUED',
  TaskAdmitted: 'HYDRATING',
  ContextHydrated: null,
  HydrationFailed: null,
  SessionStarted: 'RUNNING',
  SessionEnded: 'FINALIZING',
  TaskCompleted: 'COMPLETED',
  TaskFailed: 'FAILED',
  TaskCancellationRequested: null,
  TaskCancelled: 'CANCELLED',
  TaskTimedOut: 'TIMED_OUT',
  NudgeReceived: null,
} as const satisfies Record<TaskEventType, TaskStatus | null>;

/** The status after `eventType`, from `status`. */
export function statusAfter(status: TaskStatus, eventType: TaskEventType): TaskStatus {
  return STATUS_AFTER_EVENT[eventType] ?? status;
}

type TerminalEventType = { [E in TaskEventType]: (typeof STATUS_AFTER_EVENT)[E] extends TerminalStatus ? E : never }[TaskEventType];

/** Events that end a task, with the status they end it in (from the transition table). */
export const TERMINAL_EVENT_STATUS = Object.fromEntries(
  Object.entries(STATUS_AFTER_EVENT).filter(([, status]) => status !== null && (TERMINAL_STATUSES as readonly string[]).includes(status)),
) as { readonly [E in TerminalEventType]: (typeof STATUS_AFTER_EVENT)[E] };

export type TaskEvent = DomainEvent<TaskEventType>;

/** How the task ended (null while it is in flight). */
type TaskOutcome =
  | { readonly status: 'COMPLETED'; readonly prUrl: string | null; readonly prNumber: number | null; readonly warning: string | null }
  | { readonly status: 'FAILED'; readonly code: TaskFailed['code']; readonly reason: string }
  | { readonly status: 'CANCELLED'; readonly previousStatus: TaskStatus }
  | { readonly status: 'TIMED_OUT'; readonly deadlineAt: string };

/** No TaskSubmitted yet: the stream does not exist. */
interface NoTask {
  readonly status: null;
}

export interface Task {
  readonly status: TaskStatus;
  readonly taskId: string;
  readonly userId: string;
  readonly repo: string;
  readonly taskDescription: string | null;
  readonly issueNumber: number | null;
  readonly maxTurns: number;
  readonly maxBudgetUsd: number | null;
  readonly modelId: string;
  readonly computeType: TaskSubmitted['computeType'];
  readonly channelSource: TaskSubmitted['channelSource'];
  readonly branchName: string;
  readonly idempotencyKey: string | null;
  readonly submittedAt: string;
  /** When the task last changed (occurredAt of its last event). */
  readonly updatedAt: string;
  readonly queuedAt: string | null;
  readonly queuePosition: number | null;
  readonly admittedAt: string | null;
  readonly admittedFromQueue: boolean | null;
  /** True once ContextHydrated was recorded: a session may start. */
  readonly hydrated: boolean;
  readonly hydration: ContextHydrated | null;
  readonly hydrationFailure: HydrationFailed | null;
  readonly session: (SessionStarted & { readonly startedAt: string }) | null;
  /** The agent's final report (SessionEnded): the finalizer infers the result from it. */
  readonly report: (SessionEnded & { readonly endedAt: string }) | null;
  readonly cancelRequested: boolean;
  readonly cancellation: { readonly requestedBy: string; readonly reason: string | null; readonly requestedAt: string } | null;
  readonly outcome: TaskOutcome | null;
  readonly endedAt: string | null;
  /** Ids of the nudges recorded (NudgeReceived), in order: a repeated nudge id records nothing. */
  readonly nudgeIds: readonly string[];
}

export type TaskState = NoTask | Task;

export const initialTaskState = (): TaskState => ({ status: null });

export function evolveTask(state: TaskState, event: FoldableEvent<TaskEventType>): TaskState {
  if (event.type === 'TaskSubmitted') {
    if (state.status !== null) return state; // a stream has one TaskSubmitted; a second one changes nothing
    const d = event.data;
    return {
      status: STATUS_AFTER_EVENT.TaskSubmitted,
      taskId: d.taskId,
      userId: d.userId,
      repo: d.repo,
      taskDescription: d.taskDescription,
      issueNumber: d.issueNumber,
      maxTurns: d.maxTurns,
      maxBudgetUsd: d.maxBudgetUsd,
      modelId: d.modelId,
      computeType: d.computeType,
      channelSource: d.channelSource,
      branchName: d.branchName,
      idempotencyKey: d.idempotencyKey,
      submittedAt: event.occurredAt,
      updatedAt: event.occurredAt,
      queuedAt: null,
      queuePosition: null,
      admittedAt: null,
      admittedFromQueue: null,
      hydrated: false,
      hydration: null,
      hydrationFailure: null,
      session: null,
      report: null,
      cancelRequested: false,
      cancellation: null,
      outcome: null,
      endedAt: null,
      nudgeIds: [],
    };
  }
  if (state.status === null) {
    throw new Error(`corrupt Task stream: ${event.type} (sequence ${event.sequence ?? '?'}) comes before TaskSubmitted`);
  }
  const at = event.occurredAt;
  const task: Task = { ...state, status: statusAfter(state.status, event.type), updatedAt: at };
  switch (event.type) {
    case 'TaskQueued':
      return { ...task, queuedAt: at, queuePosition: event.data.position };
    case 'TaskAdmitted':
      return { ...task, admittedAt: at, admittedFromQueue: event.data.fromQueue, queuePosition: null };
    case 'ContextHydrated':
      return { ...task, hydrated: true, hydration: event.data };
    case 'HydrationFailed':
      return { ...task, hydrationFailure: event.data };
    case 'SessionStarted':
      return { ...task, session: { ...event.data, startedAt: at } };
    case 'SessionEnded':
      return { ...task, report: { ...event.data, endedAt: at } };
    case 'TaskCompleted':
      return { ...task, outcome: completed(event.data), endedAt: at };
    case 'TaskFailed':
      return { ...task, outcome: { status: 'FAILED', code: event.data.code, reason: event.data.reason }, endedAt: at };
    case 'TaskCancellationRequested':
      return {
        ...task,
        cancelRequested: true,
        cancellation: { requestedBy: event.data.requestedBy, reason: event.data.reason, requestedAt: at },
      };
    case 'TaskCancelled':
      return {
        ...task,
        queuePosition: null,
        outcome: { status: 'CANCELLED', previousStatus: event.data.previousStatus },
        endedAt: at,
      };
    case 'TaskTimedOut':
      return { ...task, outcome: { status: 'TIMED_OUT', deadlineAt: event.data.deadlineAt }, endedAt: at };
    case 'NudgeReceived':
      return { ...state, nudgeIds: [...state.nudgeIds, event.data.nudgeId] }; // not `task`: updatedAt stays (see above)
    default:
      return assertNever(event, 'Task event');
  }
}

function completed(data: TaskCompleted): TaskOutcome {
  return { status: 'COMPLETED', prUrl: data.prUrl, prNumber: data.prNumber, warning: data.warning };
}
