/**
 * Property: whatever commands arrive, in whatever order (valid or not, repeated or not), the events
 * the Task decider produces only move the task along the allowed lifecycle graph, never out of a
 * terminal state, always fit their schemas, are those the command's row of TASK_COMMAND_EVENTS lists,
 * a command applied twice has no second effect, and the task view (folded from the same events)
 * always shows the aggregate's status.
 */
import fc from 'fast-check';
import { isDomainError } from '../../kernel/errors';
import { expectListedEvents } from '../../kernel/testing/given-when-then';
import type { EventEnvelope, FoldableEvent } from '../../kernel/envelope';
import type { TaskView } from '../../../projections/task-view/task-view';
import { evolveTaskView } from '../../../projections/task-view/task-view-projection';
import { validateEventData } from '../../kernel/validation';
import type { TaskCommand } from './task-commands';
import { taskDecider } from './task-decider';
import { isTerminal, TASK_STATUSES, type TaskEventType, type TaskState, type TaskStatus } from './task-state';
import { DEADLINE, PR_URL, PROMPT_VERSION, REPO_CONFIG, submitCommand } from './testing/task-fixtures';

/** The lifecycle graph, written out independently of the decider. NONE: the stream does not exist. */
const ALLOWED: Record<TaskStatus | 'NONE', readonly TaskStatus[]> = {
  NONE: ['SUBMITTED'],
  SUBMITTED: ['QUEUED', 'HYDRATING', 'FAILED', 'CANCELLED'],
  QUEUED: ['HYDRATING', 'FAILED', 'CANCELLED'],
  HYDRATING: ['RUNNING', 'FAILED', 'CANCELLED'],
  RUNNING: ['FINALIZING', 'CANCELLED', 'TIMED_OUT', 'FAILED'],
  FINALIZING: ['COMPLETED', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
  TIMED_OUT: [],
};

/** Events that record a fact without moving the task: allowed only in these statuses. */
const IN_PLACE: Partial<Record<TaskEventType, readonly TaskStatus[]>> = {
  ContextHydrated: ['HYDRATING'],
  HydrationFailed: ['HYDRATING'],
  TaskCancellationRequested: ['SUBMITTED', 'QUEUED', 'HYDRATING', 'RUNNING'],
  NudgeReceived: ['SUBMITTED', 'QUEUED', 'HYDRATING', 'RUNNING'],
};

const sessionId = fc.constantFrom('s-1', 's-2');
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const command: fc.Arbitrary<TaskCommand> = fc.oneof(
  fc.record({
    description: fc.constantFrom('Fix it', null, ''),
    issue: fc.constantFrom(7, null),
    onboarded: fc.boolean(),
  }).map(({ description, issue, onboarded }) =>
    submitCommand({ taskDescription: description, issueNumber: issue, repoConfig: onboarded ? REPO_CONFIG : null }),
  ),
  fc.integer({ min: 1, max: 5 }).map((position): TaskCommand => ({ type: 'QueueTask', position })),
  fc.boolean().map((fromQueue): TaskCommand => ({ type: 'AdmitTask', fromQueue })),
  fc.constant<TaskCommand>({
    type: 'RecordHydration',
    promptVersion: PROMPT_VERSION,
    promptRef: 'prompts/t.json',
    estimatedTokens: 10,
    sources: { issue: true, comments: 1, memoryItems: 0 },
    trimmedComments: 0,
  }),
  fc.constantFrom('github', 'screening', 'budget', 'internal').map(
    (category): TaskCommand => ({ type: 'FailHydration', category, reason: 'no', retryable: false }),
  ),
  sessionId.map((id): TaskCommand => ({ type: 'StartSession', sessionId: id, computeType: 'local', deadlineAt: DEADLINE })),
  fc.record({ id: sessionId, outcome: fc.constantFrom('success', 'error', 'no_report'), pr: fc.boolean(), commits: fc.nat(3) }).map(
    ({ id, outcome, pr, commits }): TaskCommand => ({
      type: 'EndSession',
      sessionId: id,
      outcome,
      error: outcome === 'error' ? 'it broke' : null,
      turns: 3,
      costUsd: 0.1,
      commits,
      prUrl: pr ? PR_URL : null,
      prNumber: pr ? 12 : null,
      buildPassed: null,
      lintPassed: null,
    }),
  ),
  fc.record({ pr: fc.option(fc.boolean(), { nil: undefined }), commits: fc.nat(3) }).map(
    ({ pr, commits }): TaskCommand => ({
      type: 'FinalizeTask',
      ...(pr === undefined ? {} : { prUrl: pr ? PR_URL : null, prNumber: pr ? 12 : null }),
      commitsOnBranch: commits,
    }),
  ),
  nullable(fc.constant('changed my mind')).map((reason): TaskCommand => ({ type: 'RequestCancellation', requestedBy: 'user:u', reason })),
  fc.constant<TaskCommand>({ type: 'ConfirmCancellation' }),
  fc.constant<TaskCommand>({ type: 'TimeOut', deadlineAt: DEADLINE }),
  fc.constantFrom('STRANDED', 'HEARTBEAT_LOST', 'QUEUE_TIMEOUT', 'INTERNAL').map(
    (code): TaskCommand => ({ type: 'FailTask', code, reason: 'watchdog' }),
  ),
  fc.record({ id: fc.constantFrom('n-1', 'n-2'), message: fc.constantFrom('use pnpm', ' \u200B ') }).map(
    ({ id, message }): TaskCommand => ({ type: 'Nudge', nudgeId: id, message, nudgedBy: 'user:u' }),
  ),
);

/**
 * A step is either any command, or "move along": the command that advances the task from where it
 * is (so runs reach the late statuses often, and random commands hit them there).
 */
type Step = { readonly kind: 'any'; readonly command: TaskCommand } | { readonly kind: 'progress'; readonly pick: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  command.map((c): Step => ({ kind: 'any', command: c })),
  fc.nat(5).map((pick): Step => ({ kind: 'progress', pick })),
);

function progress(state: TaskState, pick: number): TaskCommand {
  switch (state.status) {
    case null:
      return submitCommand();
    case 'SUBMITTED':
      return pick % 2 === 0 ? { type: 'AdmitTask', fromQueue: false } : { type: 'QueueTask', position: 1 };
    case 'QUEUED':
      return { type: 'AdmitTask', fromQueue: true };
    case 'HYDRATING':
      return state.hydrated
        ? { type: 'StartSession', sessionId: 's-1', computeType: 'local', deadlineAt: DEADLINE }
        : { type: 'RecordHydration', promptVersion: PROMPT_VERSION, promptRef: 'p', estimatedTokens: 1, sources: { issue: false, comments: 0, memoryItems: 0 }, trimmedComments: 0 };
    case 'RUNNING':
      return {
        type: 'EndSession',
        sessionId: 's-1',
        outcome: (['success', 'error', 'no_report'] as const)[pick % 3]!,
        error: null,
        turns: 1,
        costUsd: 0,
        commits: pick % 2,
        prUrl: pick > 2 ? PR_URL : null,
        prNumber: null,
        buildPassed: null,
        lintPassed: null,
      };
    default:
      return { type: 'FinalizeTask', commitsOnBranch: pick % 2 };
  }
}

/** Decide; a DomainError means "refused" (no events). Anything else thrown is a bug. */
function tryDecide(c: TaskCommand, state: TaskState) {
  try {
    return taskDecider.decide(c, state);
  } catch (err) {
    if (isDomainError(err)) return [];
    throw err;
  }
}

const foldable = (e: ReturnType<typeof tryDecide>[number], i: number) =>
  ({ ...e, occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), sequence: i + 1 }) as FoldableEvent<TaskEventType>;

describe('Task decider properties', () => {
  const reached = new Set<TaskStatus>();

  it('only makes allowed transitions, never leaves a terminal state, and is idempotent', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        let state = taskDecider.initialState();
        // The task view folds the same events with the same transition table: same status, always.
        let view: TaskView | null = null;
        let count = 0;
        for (const s of steps) {
          const c = s.kind === 'any' ? s.command : progress(state, s.pick);
          const before = state.status;
          const events = tryDecide(c, state);
          expectListedEvents(taskDecider, c, events);
          if (before !== null && isTerminal(before) && events.length > 0) throw new Error(`${c.type} left ${before}: ${JSON.stringify(events)}`);
          for (const e of events) {
            validateEventData(e.type, e.data);
            const from = state.status;
            const event = foldable(e, count++);
            state = taskDecider.evolve(state, event);
            view = evolveTaskView(view, event as unknown as EventEnvelope<TaskEventType>);
            const to = state.status;
            if (view?.status !== to) throw new Error(`${e.type}: the task is ${to} but its view says ${view?.status}`);
            if (to === null) throw new Error(`${e.type} left the task without a status`);
            const allowed =
              from === to
                ? (IN_PLACE[e.type] ?? []).includes(to) // an event that records a fact in place
                : ALLOWED[from ?? 'NONE'].includes(to);
            if (!allowed) throw new Error(`${e.type} moved the task from ${from ?? 'NONE'} to ${to}, outside the lifecycle graph`);
            if (to !== null) reached.add(to);
          }
          // applied once, a command has no second effect
          if (events.length > 0 && tryDecide(c, state).length > 0) throw new Error(`${c.type} had a second effect in ${state.status}`);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('explored every status', () => {
    expect([...reached].sort()).toEqual([...TASK_STATUSES].sort());
  });
});
