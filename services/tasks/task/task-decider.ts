/**
 * The Task decider: which events a command causes in the task's current state. Pure: no I/O, no
 * clock (time comes in the command). Repeated or late commands (at-least-once delivery) yield no
 * event; commands that make no sense in the current state throw a DomainError with a stable code:
 *
 *   TASK_NOT_FOUND          the stream has no TaskSubmitted (any command but SubmitTask)
 *   REPO_NOT_ONBOARDED      SubmitTask on a repository that is not onboarded
 *   VALIDATION_ERROR        SubmitTask / RequestCancellation / Nudge with bad input
 *   INVALID_TRANSITION      the command does not apply to the task's status
 *   SESSION_ALREADY_STARTED StartSession with a session id other than the task's session
 *   SESSION_MISMATCH        EndSession for a session that is not the task's
 *   TASK_FINALIZING         RequestCancellation or Nudge while the result is being recorded
 *   TASK_ALREADY_TERMINAL   RequestCancellation or Nudge of a finished task
 */
import type { TaskFailed } from '../../../schemas/generated/events/TaskFailed.v1';
import type { TaskSubmitted } from '../../../schemas/generated/events/TaskSubmitted.v1';
import { assertNever, type CommandEvents, type Decider } from '../../kernel/decider';
import { DomainError } from '../../kernel/errors';
import { EventValidationError, validateEventData } from '../../kernel/validation';
import { stripInvisible } from '../hydration/sanitize';
import { branchName, branchSlugSource } from './branch-name';
import type {
  ConfirmCancellation,
  EndSession,
  FailHydration,
  FailTask,
  FinalizeTask,
  Nudge,
  RecordHydration,
  RequestCancellation,
  StartSession,
  SubmitTask,
  TaskCommand,
  TimeOut,
} from './task-commands';
import { inferResult, MAX_REASON_LENGTH } from './result-inference';
import { evolveTask, initialTaskState, isTerminal, type Task, type TaskEvent, type TaskEventType, type TaskState } from './task-state';
import { truncate } from './text';

type TaskErrorCode =
  | 'TASK_NOT_FOUND'
  | 'REPO_NOT_ONBOARDED'
  | 'VALIDATION_ERROR'
  | 'INVALID_TRANSITION'
  | 'SESSION_ALREADY_STARTED'
  | 'SESSION_MISMATCH'
  | 'TASK_FINALIZING'
  | 'TASK_ALREADY_TERMINAL';

const NONE: TaskEvent[] = [];

function decideTask(command: TaskCommand, state: TaskState): TaskEvent[] {
  if (command.type === 'SubmitTask') return state.status === null ? submit(command) : NONE;
  if (state.status === null) {
    throw new DomainError<TaskErrorCode>('TASK_NOT_FOUND', `Cannot apply ${command.type}: the task does not exist (no TaskSubmitted in its stream).`, {
      command: command.type,
    });
  }
  const task = state;
  switch (command.type) {
    case 'QueueTask':
      // Only SUBMITTED moves to QUEUED. QUEUED is a duplicate; HYDRATING or later (or terminal)
      // means admission already moved on and this is a stale redelivery: nothing to do.
      if (task.status !== 'SUBMITTED') return NONE;
      return [{ type: 'TaskQueued', data: { userId: task.userId, position: command.position } }];
    case 'AdmitTask':
      if (task.status !== 'SUBMITTED' && task.status !== 'QUEUED') return NONE;
      return [{ type: 'TaskAdmitted', data: { userId: task.userId, fromQueue: command.fromQueue } }];
    case 'RecordHydration':
      return recordHydration(command, task);
    case 'FailHydration':
      return failHydration(command, task);
    case 'StartSession':
      return startSession(command, task);
    case 'EndSession':
      return endSession(command, task);
    case 'FinalizeTask':
      return finalize(command, task);
    case 'RequestCancellation':
      return requestCancellation(command, task);
    case 'ConfirmCancellation':
      return confirmCancellation(command, task);
    case 'TimeOut':
      return timeOut(command, task);
    case 'FailTask':
      return failTask(command, task);
    case 'Nudge':
      return nudge(command, task);
    default:
      return assertNever(command, 'Task command');
  }
}

// ── SubmitTask ──────────────────────────────────────────────────────────────────────────────────

function invalidInput(field: string, message: string): never {
  throw new DomainError<TaskErrorCode>('VALIDATION_ERROR', message, { field });
}

function submit(c: SubmitTask): TaskEvent[] {
  const config = c.repoConfig;
  if (config === null) {
    throw new DomainError<TaskErrorCode>(
      'REPO_NOT_ONBOARDED',
      `Repository ${c.repo} is not onboarded; onboard it with \`bgagent repo onboard ${c.repo}\` (or deploy its Blueprint), then submit the task again.`,
      { repo: c.repo },
    );
  }
  const taskDescription = c.taskDescription !== null && c.taskDescription.trim() !== '' ? c.taskDescription : null;
  if (taskDescription === null && c.issueNumber === null) {
    invalidInput('task_description', 'A task needs a description or an issue number: give task_description (bgagent submit --task "...") or issue_number (--issue N).');
  }
  if (taskDescription !== null && taskDescription.length > 10_000) {
    invalidInput('task_description', `The task description is ${taskDescription.length} characters long; keep it to 10,000 or point to an issue instead.`);
  }
  if (c.issueNumber !== null && !(Number.isInteger(c.issueNumber) && c.issueNumber >= 1)) {
    invalidInput('issue_number', `issue_number must be a positive whole number (got ${c.issueNumber}).`);
  }
  const maxTurns = c.maxTurns ?? config.maxTurns;
  if (!(Number.isInteger(maxTurns) && maxTurns >= 1 && maxTurns <= 500)) {
    invalidInput('max_turns', `max_turns must be a whole number from 1 to 500 (got ${maxTurns}).`);
  }
  const maxBudgetUsd = c.maxBudgetUsd === undefined ? config.maxBudgetUsd : c.maxBudgetUsd;
  if (maxBudgetUsd !== null && !(Number.isFinite(maxBudgetUsd) && maxBudgetUsd >= 0.01 && maxBudgetUsd <= 100)) {
    invalidInput('max_budget_usd', `max_budget_usd must be from 0.01 to 100 US dollars (got ${maxBudgetUsd}).`);
  }
  const modelId = c.modelId ?? config.modelId;
  const data: TaskSubmitted = {
    taskId: c.taskId,
    userId: c.userId,
    repo: c.repo,
    taskDescription,
    issueNumber: c.issueNumber,
    maxTurns,
    maxBudgetUsd,
    modelId,
    computeType: config.computeType,
    channelSource: c.channelSource,
    branchName: branchName(c.taskId, branchSlugSource(taskDescription, c.issueNumber)),
    idempotencyKey: c.idempotencyKey,
  };
  // Every other field against the event's schema, so bad input is a VALIDATION_ERROR naming the
  // field here rather than a failed append later.
  try {
    validateEventData('TaskSubmitted', data);
  } catch (err) {
    if (!(err instanceof EventValidationError)) throw err;
    const issues = err.issues.map((i) => i.replace(/^data\./, ''));
    throw new DomainError<TaskErrorCode>('VALIDATION_ERROR', `Invalid task: ${issues.join('; ')}.`, { issues });
  }
  return [{ type: 'TaskSubmitted', data }];
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────

function invalidTransition(task: Task, what: string, why: string): never {
  throw new DomainError<TaskErrorCode>('INVALID_TRANSITION', `Cannot ${what} for task ${task.taskId}: it is ${task.status}; ${why}.`, {
    taskId: task.taskId,
    status: task.status,
  });
}

/** A reason for an event whose schema wants 1..max characters (services' text is never lost to a limit). */
function reasonText(reason: string, max: number): string {
  return truncate(reason.trim() === '' ? '(no reason given)' : reason, max);
}

// ── hydration ───────────────────────────────────────────────────────────────────────────────────

function recordHydration(c: RecordHydration, task: Task): TaskEvent[] {
  if (isTerminal(task.status) || task.hydrated) return NONE;
  if (task.status !== 'HYDRATING') {
    invalidTransition(task, 'record the hydrated context', 'context is hydrated only after the task is admitted (HYDRATING)');
  }
  return [
    {
      type: 'ContextHydrated',
      data: {
        promptVersion: c.promptVersion,
        promptRef: c.promptRef,
        estimatedTokens: c.estimatedTokens,
        sources: { issue: c.sources.issue, comments: c.sources.comments, memoryItems: c.sources.memoryItems },
        trimmedComments: c.trimmedComments,
      },
    },
  ];
}

function failHydration(c: FailHydration, task: Task): TaskEvent[] {
  // Already hydrated: a failure reported afterwards comes from a redelivered attempt, and the task
  // has moved on with the context that was recorded. Nothing to do (as for RecordHydration).
  if (isTerminal(task.status) || task.hydrated) return NONE;
  if (task.status !== 'HYDRATING') {
    invalidTransition(task, 'record a hydration failure', 'context is hydrated only after the task is admitted (HYDRATING)');
  }
  return [
    { type: 'HydrationFailed', data: { category: c.category, reason: reasonText(c.reason, 2000), retryable: c.retryable } },
    { type: 'TaskFailed', data: { code: 'HYDRATION_FAILED', reason: reasonText(c.reason, MAX_REASON_LENGTH) } },
  ];
}

// ── session ─────────────────────────────────────────────────────────────────────────────────────

function startSession(c: StartSession, task: Task): TaskEvent[] {
  if (isTerminal(task.status)) return NONE;
  if (task.session !== null) {
    if (task.session.sessionId === c.sessionId) return NONE;
    throw new DomainError<TaskErrorCode>(
      'SESSION_ALREADY_STARTED',
      `Cannot start session ${c.sessionId} for task ${task.taskId}: session ${task.session.sessionId} already started (the task is ${task.status}); stop session ${c.sessionId}.`,
      { taskId: task.taskId, sessionId: task.session.sessionId, rejectedSessionId: c.sessionId },
    );
  }
  if (task.status !== 'HYDRATING') {
    invalidTransition(task, 'start a session', 'a session starts only after its context is hydrated (HYDRATING)');
  }
  if (!task.hydrated) {
    invalidTransition(task, 'start a session', 'its context is not hydrated yet; a session starts after ContextHydrated');
  }
  return [{ type: 'SessionStarted', data: { sessionId: c.sessionId, computeType: c.computeType, deadlineAt: c.deadlineAt } }];
}

function endSession(c: EndSession, task: Task): TaskEvent[] {
  if (task.session === null) {
    if (!isTerminal(task.status)) invalidTransition(task, `end session ${c.sessionId}`, 'no session has started yet');
    throw new DomainError<TaskErrorCode>(
      'SESSION_MISMATCH',
      `Session ${c.sessionId} is not a session of task ${task.taskId}: the task ended (${task.status}) without starting one; stop session ${c.sessionId} if it still runs.`,
      { taskId: task.taskId, sessionId: null, reportedSessionId: c.sessionId },
    );
  }
  if (task.session.sessionId !== c.sessionId) {
    throw new DomainError<TaskErrorCode>(
      'SESSION_MISMATCH',
      `Session ${c.sessionId} is not the session of task ${task.taskId} (its session is ${task.session.sessionId}); the report is ignored.`,
      { taskId: task.taskId, sessionId: task.session.sessionId, reportedSessionId: c.sessionId },
    );
  }
  if (task.status !== 'RUNNING') return NONE; // FINALIZING or terminal: this session already ended
  return [
    {
      type: 'SessionEnded',
      data: {
        sessionId: c.sessionId,
        outcome: c.outcome,
        error: c.error === null ? null : truncate(c.error, 4000),
        turns: c.turns,
        costUsd: c.costUsd,
        commits: c.commits,
        prUrl: c.prUrl,
        prNumber: c.prNumber,
        buildPassed: c.buildPassed,
        lintPassed: c.lintPassed,
      },
    },
  ];
}

// ── finalization ────────────────────────────────────────────────────────────────────────────────

function finalize(c: FinalizeTask, task: Task): TaskEvent[] {
  if (isTerminal(task.status)) return NONE;
  if (task.status !== 'FINALIZING' || task.report === null) {
    invalidTransition(task, 'finalize', 'a task is finalized after its session ended (FINALIZING)');
  }
  const report = task.report;
  // The git provider is the authority on what is on the branch; the agent's report fills in a
  // pull request the finalizer did not look up (prUrl / prNumber left out of the command).
  const prUrl = c.prUrl !== undefined ? c.prUrl : report.prUrl;
  const prNumber = c.prNumber !== undefined ? c.prNumber : report.prNumber;
  const result = inferResult({
    agentOutcome: report.outcome,
    agentError: report.error,
    prUrl,
    prNumber,
    commits: c.commitsOnBranch,
    branchName: task.branchName,
  });
  if (result.status === 'COMPLETED') {
    return [{ type: 'TaskCompleted', data: { prUrl: result.prUrl, prNumber: result.prNumber, warning: result.warning } }];
  }
  // The session ended because a cancellation stopped it (its report can outrun the cancellation
  // service's confirmation): without a result to show, the task ends as the user asked, CANCELLED.
  // Work that did produce a result (a PR, commits) still completes: finalization wins.
  if (task.cancelRequested) return [{ type: 'TaskCancelled', data: { previousStatus: 'FINALIZING' } }];
  return [{ type: 'TaskFailed', data: { code: result.code, reason: result.reason } }];
}

// ── cancellation ────────────────────────────────────────────────────────────────────────────────

function requestCancellation(c: RequestCancellation, task: Task): TaskEvent[] {
  if (isTerminal(task.status)) {
    throw new DomainError<TaskErrorCode>('TASK_ALREADY_TERMINAL', `Task ${task.taskId} is already ${task.status}; there is nothing to cancel.`, {
      taskId: task.taskId,
      status: task.status,
    });
  }
  if (task.status === 'FINALIZING') {
    throw new DomainError<TaskErrorCode>(
      'TASK_FINALIZING',
      `Task ${task.taskId} cannot be cancelled: its session has ended and finalization wins: the task's result is being recorded. Check its status in a moment.`,
      { taskId: task.taskId, status: task.status },
    );
  }
  if (c.requestedBy.trim() === '' || c.requestedBy.length > 200) {
    invalidInput('requested_by', 'requestedBy must name who cancels (`user:<id>` or `service:<name>`, at most 200 characters).');
  }
  if (c.reason !== null && c.reason.length > 1000) {
    invalidInput('reason', `The cancellation reason is ${c.reason.length} characters long; keep it to 1000.`);
  }
  const requested: TaskEvent = { type: 'TaskCancellationRequested', data: { requestedBy: c.requestedBy, reason: c.reason } };
  switch (task.status) {
    case 'SUBMITTED':
    case 'QUEUED':
    case 'HYDRATING':
      // Nothing runs yet: the task is cancelled at once (admission takes a queued task off the
      // queue, and releases a held slot, when it sees TaskCancelled).
      return [requested, { type: 'TaskCancelled', data: { previousStatus: task.status } }];
    case 'RUNNING':
      // The cancellation service stops the session, then confirms (ConfirmCancellation).
      return task.cancelRequested ? NONE : [requested];
    default:
      return assertNever(task.status, 'status');
  }
}

function confirmCancellation(_c: ConfirmCancellation, task: Task): TaskEvent[] {
  // FINALIZING: the session ended on its own before it was stopped; finalization wins.
  if (isTerminal(task.status) || task.status === 'FINALIZING') return NONE;
  if (task.status !== 'RUNNING') {
    invalidTransition(task, 'confirm a cancellation', 'only a RUNNING task waits for its session to stop (earlier ones are cancelled at once)');
  }
  if (!task.cancelRequested) {
    invalidTransition(task, 'confirm a cancellation', 'no cancellation was requested (RequestCancellation comes first)');
  }
  return [{ type: 'TaskCancelled', data: { previousStatus: 'RUNNING' } }];
}

// ── watchdog ────────────────────────────────────────────────────────────────────────────────────

function timeOut(c: TimeOut, task: Task): TaskEvent[] {
  // FINALIZING: the session ended before its deadline; finalization wins.
  if (isTerminal(task.status) || task.status === 'FINALIZING') return NONE;
  if (task.status !== 'RUNNING' || task.session === null) {
    invalidTransition(task, 'time out', 'only a RUNNING session has a deadline');
  }
  return [{ type: 'TaskTimedOut', data: { deadlineAt: c.deadlineAt, sessionId: task.session.sessionId } }];
}

function failTask(c: FailTask, task: Task): TaskEvent[] {
  if (isTerminal(task.status)) return NONE;
  const data: TaskFailed = { code: c.code, reason: reasonText(c.reason, MAX_REASON_LENGTH) };
  return [{ type: 'TaskFailed', data }];
}

// ── nudges ──────────────────────────────────────────────────────────────────────────────────────

/** Longest nudge message, in characters (code points, as the event's schema counts them). */
const MAX_NUDGE_LENGTH = 2000;
const NUDGE_ID = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * A message for the agent. Accepted in every non-terminal status before FINALIZING: before the
 * session starts it waits in the task's inbox and the agent reads it when it starts. FINALIZING and
 * terminal tasks have no agent left to read it, so the nudge is refused rather than silently lost.
 */
function nudge(c: Nudge, task: Task): TaskEvent[] {
  // Checked first: a client retrying an accepted nudge gets the same answer (accepted, nothing new)
  // even if the task has ended since.
  if (task.nudgeIds.includes(c.nudgeId)) return NONE;
  if (isTerminal(task.status)) {
    throw new DomainError<TaskErrorCode>('TASK_ALREADY_TERMINAL', `Task ${task.taskId} is already ${task.status}; there is no agent left to nudge.`, {
      taskId: task.taskId,
      status: task.status,
    });
  }
  if (task.status === 'FINALIZING') {
    throw new DomainError<TaskErrorCode>(
      'TASK_FINALIZING',
      `Task ${task.taskId} cannot be nudged: its session has ended and its result is being recorded, so no agent would read the message. Check its status in a moment.`,
      { taskId: task.taskId, status: task.status },
    );
  }
  if (!NUDGE_ID.test(c.nudgeId)) {
    invalidInput('nudge_id', 'nudgeId must be 1-128 letters, digits, "_" or "-" (a ULID or UUID, chosen by the client so that a retry is recognised).');
  }
  if (c.nudgedBy.trim() === '' || c.nudgedBy.length > 200) {
    invalidInput('nudged_by', 'nudgedBy must name who nudges (`user:<id>` or `service:<name>`, at most 200 characters).');
  }
  // Invisible characters could hide instructions from the user reading the nudge back; the text a
  // user typed is otherwise kept as is (not HTML: `Vec<String>` stays).
  const message = stripInvisible(c.message).trim();
  if (message === '') invalidInput('message', 'A nudge needs a message: tell the agent what to do differently (it must not be empty or only whitespace).');
  const length = Array.from(message).length;
  if (length > MAX_NUDGE_LENGTH) {
    invalidInput('message', `The nudge is ${length} characters long; keep it to ${MAX_NUDGE_LENGTH} (put longer instructions in the issue and point the agent to it).`);
  }
  return [{ type: 'NudgeReceived', data: { nudgeId: c.nudgeId, message, nudgedBy: c.nudgedBy, sessionId: task.session?.sessionId ?? null } }];
}

/** What each Task command can emit (the decider tests check that decide keeps to it). */
const TASK_COMMAND_EVENTS = {
  SubmitTask: ['TaskSubmitted'],
  QueueTask: ['TaskQueued'],
  AdmitTask: ['TaskAdmitted'],
  RecordHydration: ['ContextHydrated'],
  FailHydration: ['HydrationFailed', 'TaskFailed'],
  StartSession: ['SessionStarted'],
  EndSession: ['SessionEnded'],
  FinalizeTask: ['TaskCompleted', 'TaskFailed', 'TaskCancelled'],
  RequestCancellation: ['TaskCancellationRequested', 'TaskCancelled'],
  ConfirmCancellation: ['TaskCancelled'],
  TimeOut: ['TaskTimedOut'],
  FailTask: ['TaskFailed'],
  Nudge: ['NudgeReceived'],
} as const satisfies CommandEvents<TaskCommand, TaskEventType>;

export const taskDecider: Decider<TaskCommand, TaskState, TaskEventType> = {
  initialState: initialTaskState,
  evolve: evolveTask,
  decide: decideTask,
  commandEvents: TASK_COMMAND_EVENTS,
};
