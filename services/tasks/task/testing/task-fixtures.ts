/** Test fixtures for the Task aggregate: events and histories that put a task in each state. */
import type { GivenEvent } from '../../../kernel/testing/given-when-then';
import { withDefaults } from '../../../repos/repo/repo-config';
import type { SubmitTask } from '../task-commands';
import type { TaskEventType } from '../task-state';

export const TASK_ID = '01JH5Z8Q3W4E5R6T7Y8U9V0WXY';
export const USER_ID = 'user-1';
export const REPO = 'octo/widgets';
export const SESSION = 'sess-1';
export const OTHER_SESSION = 'sess-2';
export const DEADLINE = '2025-01-01T08:00:00.000Z';
export const NOW = '2025-01-01T00:00:00.000Z';
export const PR_URL = 'https://github.com/octo/widgets/pull/12';
export const PROMPT_VERSION = '0123456789ab';
export const NUDGE_ID = '01JH5Z8Q3W4E5R6T7Y8U9NUDGE';

export const REPO_CONFIG = withDefaults({ computeType: 'local', modelId: 'model-x', maxTurns: 80, maxBudgetUsd: 5 });

export const submitCommand = (overrides: Partial<SubmitTask> = {}): SubmitTask => ({
  type: 'SubmitTask',
  taskId: TASK_ID,
  userId: USER_ID,
  repo: REPO,
  taskDescription: 'Fix the flaky login test',
  issueNumber: null,
  channelSource: 'api',
  idempotencyKey: null,
  repoConfig: REPO_CONFIG,
  now: NOW,
  ...overrides,
});

type E = GivenEvent<TaskEventType>;

export const ev = {
  submitted: {
    type: 'TaskSubmitted',
    data: {
      taskId: TASK_ID,
      userId: USER_ID,
      repo: REPO,
      taskDescription: 'Fix the flaky login test',
      issueNumber: null,
      maxTurns: 80,
      maxBudgetUsd: 5,
      modelId: 'model-x',
      computeType: 'local',
      channelSource: 'api',
      branchName: `bgagent/${TASK_ID}/fix-the-flaky-login-test`,
      idempotencyKey: null,
    },
  },
  queued: { type: 'TaskQueued', data: { userId: USER_ID, position: 1 } },
  admitted: { type: 'TaskAdmitted', data: { userId: USER_ID, fromQueue: false } },
  admittedFromQueue: { type: 'TaskAdmitted', data: { userId: USER_ID, fromQueue: true } },
  hydrated: {
    type: 'ContextHydrated',
    data: {
      promptVersion: PROMPT_VERSION,
      promptRef: `prompts/${TASK_ID}.json`,
      estimatedTokens: 1500,
      sources: { issue: false, comments: 0, memoryItems: 2 },
      trimmedComments: 0,
    },
  },
  hydrationFailed: { type: 'HydrationFailed', data: { category: 'github', reason: 'issue #9 not found', retryable: false } },
  started: { type: 'SessionStarted', data: { sessionId: SESSION, computeType: 'local', deadlineAt: DEADLINE } },
  ended: {
    type: 'SessionEnded',
    data: {
      sessionId: SESSION,
      outcome: 'success',
      error: null,
      turns: 12,
      costUsd: 0.42,
      commits: 2,
      prUrl: PR_URL,
      prNumber: 12,
      buildPassed: true,
      lintPassed: true,
    },
  },
  completed: { type: 'TaskCompleted', data: { prUrl: PR_URL, prNumber: 12, warning: null } },
  failed: { type: 'TaskFailed', data: { code: 'AGENT_ERROR', reason: 'boom' } },
  cancelRequested: { type: 'TaskCancellationRequested', data: { requestedBy: `user:${USER_ID}`, reason: null } },
  cancelledRunning: { type: 'TaskCancelled', data: { previousStatus: 'RUNNING' } },
  cancelledQueued: { type: 'TaskCancelled', data: { previousStatus: 'QUEUED' } },
  timedOut: { type: 'TaskTimedOut', data: { deadlineAt: DEADLINE, sessionId: SESSION } },
  nudged: { type: 'NudgeReceived', data: { nudgeId: NUDGE_ID, message: 'Use pnpm, not npm', nudgedBy: `user:${USER_ID}`, sessionId: SESSION } },
} as const satisfies Record<string, E>;

/** Named situations of a task, each with the history that leads to it. */
export const HISTORIES = {
  NEW: [],
  SUBMITTED: [ev.submitted],
  QUEUED: [ev.submitted, ev.queued],
  HYDRATING: [ev.submitted, ev.admitted],
  HYDRATED: [ev.submitted, ev.admitted, ev.hydrated],
  RUNNING: [ev.submitted, ev.admitted, ev.hydrated, ev.started],
  RUNNING_CANCEL_REQUESTED: [ev.submitted, ev.admitted, ev.hydrated, ev.started, ev.cancelRequested],
  FINALIZING: [ev.submitted, ev.admitted, ev.hydrated, ev.started, ev.ended],
  COMPLETED: [ev.submitted, ev.admitted, ev.hydrated, ev.started, ev.ended, ev.completed],
  FAILED: [ev.submitted, ev.admitted, ev.hydrated, ev.started, ev.ended, ev.failed],
  CANCELLED: [ev.submitted, ev.admitted, ev.hydrated, ev.started, ev.cancelRequested, ev.cancelledRunning],
  TIMED_OUT: [ev.submitted, ev.admitted, ev.hydrated, ev.started, ev.timedOut],
  CANCELLED_WHILE_QUEUED: [ev.submitted, ev.queued, ev.cancelRequested, ev.cancelledQueued],
} as const satisfies Record<string, readonly E[]>;

export type Situation = keyof typeof HISTORIES;
export const SITUATIONS = Object.keys(HISTORIES) as Situation[];
