import { fold } from '../../kernel/decider';
import { DomainError } from '../../kernel/errors';
import { deciderSpec, toFoldable } from '../../kernel/testing/given-when-then';
import type { NudgeReceived } from '../../../schemas/generated/events/NudgeReceived.v1';
import type { SessionEnded } from '../../../schemas/generated/events/SessionEnded.v1';
import { withDefaults } from '../../repos/repo/repo-config';
import { repoConfigForTasks, repoDecider } from '../../repos/repo/repo-decider';
import type { TaskCommand } from './task-commands';
import { taskDecider } from './task-decider';
import type { Task, TaskEvent, TaskEventType } from './task-state';
import {
  DEADLINE,
  ev,
  HISTORIES,
  NOW,
  NUDGE_ID,
  OTHER_SESSION,
  PR_URL,
  PROMPT_VERSION,
  REPO,
  REPO_CONFIG,
  SESSION,
  SITUATIONS,
  submitCommand,
  TASK_ID,
  USER_ID,
  type Situation,
} from './testing/task-fixtures';

const { given } = deciderSpec(taskDecider);

// ── commands used across the table ──────────────────────────────────────────────────────────────

const C = {
  SubmitTask: submitCommand(),
  QueueTask: { type: 'QueueTask', position: 2 },
  AdmitTask: { type: 'AdmitTask', fromQueue: false },
  RecordHydration: { type: 'RecordHydration', ...ev.hydrated.data },
  FailHydration: { type: 'FailHydration', category: 'github', reason: 'issue #9 not found', retryable: false },
  StartSession: { type: 'StartSession', sessionId: SESSION, computeType: 'local', deadlineAt: DEADLINE },
  StartOtherSession: { type: 'StartSession', sessionId: OTHER_SESSION, computeType: 'local', deadlineAt: DEADLINE },
  EndSession: { type: 'EndSession', ...ev.ended.data },
  EndOtherSession: { type: 'EndSession', ...ev.ended.data, sessionId: OTHER_SESSION },
  FinalizeTask: { type: 'FinalizeTask', prUrl: PR_URL, prNumber: 12, commitsOnBranch: 2 },
  RequestCancellation: { type: 'RequestCancellation', requestedBy: `user:${USER_ID}`, reason: 'not needed' },
  ConfirmCancellation: { type: 'ConfirmCancellation' },
  TimeOut: { type: 'TimeOut', deadlineAt: DEADLINE },
  FailTask: { type: 'FailTask', code: 'STRANDED', reason: 'no progress for 2 hours' },
  Nudge: { type: 'Nudge', nudgeId: NUDGE_ID, message: 'Use pnpm, not npm', nudgedBy: `user:${USER_ID}` },
} as const satisfies Record<string, TaskCommand>;

type CommandName = keyof typeof C;

/** What a command does in a situation: these event types, nothing, or this DomainError code. */
type Expected = readonly TaskEventType[] | 'nothing' | { error: string };
const NF = { error: 'TASK_NOT_FOUND' };
const INVALID = { error: 'INVALID_TRANSITION' };
const nothing = 'nothing';

// Columns: NEW SUBMITTED QUEUED HYDRATING HYDRATED RUNNING RUNNING_CANCEL_REQUESTED FINALIZING
//          COMPLETED FAILED CANCELLED TIMED_OUT CANCELLED_WHILE_QUEUED
function row(
  values: [Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected, Expected],
): Record<Situation, Expected> {
  return Object.fromEntries(SITUATIONS.map((s, i) => [s, values[i]])) as Record<Situation, Expected>;
}
const TERMINAL_NOTHING: [Expected, Expected, Expected, Expected, Expected] = [nothing, nothing, nothing, nothing, nothing];

const MATRIX: Record<CommandName, Record<Situation, Expected>> = {
  SubmitTask: row([['TaskSubmitted'], nothing, nothing, nothing, nothing, nothing, nothing, nothing, ...TERMINAL_NOTHING]),
  QueueTask: row([NF, ['TaskQueued'], nothing, nothing, nothing, nothing, nothing, nothing, ...TERMINAL_NOTHING]),
  AdmitTask: row([NF, ['TaskAdmitted'], ['TaskAdmitted'], nothing, nothing, nothing, nothing, nothing, ...TERMINAL_NOTHING]),
  RecordHydration: row([NF, INVALID, INVALID, ['ContextHydrated'], nothing, nothing, nothing, nothing, ...TERMINAL_NOTHING]),
  FailHydration: row([NF, INVALID, INVALID, ['HydrationFailed', 'TaskFailed'], nothing, nothing, nothing, nothing, ...TERMINAL_NOTHING]),
  StartSession: row([NF, INVALID, INVALID, INVALID, ['SessionStarted'], nothing, nothing, nothing, ...TERMINAL_NOTHING]),
  StartOtherSession: row([
    NF, INVALID, INVALID, INVALID, ['SessionStarted'],
    { error: 'SESSION_ALREADY_STARTED' }, { error: 'SESSION_ALREADY_STARTED' }, { error: 'SESSION_ALREADY_STARTED' },
    ...TERMINAL_NOTHING,
  ]),
  EndSession: row([
    NF, INVALID, INVALID, INVALID, INVALID, ['SessionEnded'], ['SessionEnded'], nothing,
    nothing, nothing, nothing, nothing, { error: 'SESSION_MISMATCH' },
  ]),
  EndOtherSession: row([
    NF, INVALID, INVALID, INVALID, INVALID,
    { error: 'SESSION_MISMATCH' }, { error: 'SESSION_MISMATCH' }, { error: 'SESSION_MISMATCH' }, { error: 'SESSION_MISMATCH' },
    { error: 'SESSION_MISMATCH' }, { error: 'SESSION_MISMATCH' }, { error: 'SESSION_MISMATCH' }, { error: 'SESSION_MISMATCH' },
  ]),
  FinalizeTask: row([NF, INVALID, INVALID, INVALID, INVALID, INVALID, INVALID, ['TaskCompleted'], ...TERMINAL_NOTHING]),
  RequestCancellation: row([
    NF,
    ['TaskCancellationRequested', 'TaskCancelled'],
    ['TaskCancellationRequested', 'TaskCancelled'],
    ['TaskCancellationRequested', 'TaskCancelled'],
    ['TaskCancellationRequested', 'TaskCancelled'],
    ['TaskCancellationRequested'],
    nothing,
    { error: 'TASK_FINALIZING' },
    { error: 'TASK_ALREADY_TERMINAL' }, { error: 'TASK_ALREADY_TERMINAL' }, { error: 'TASK_ALREADY_TERMINAL' },
    { error: 'TASK_ALREADY_TERMINAL' }, { error: 'TASK_ALREADY_TERMINAL' },
  ]),
  ConfirmCancellation: row([NF, INVALID, INVALID, INVALID, INVALID, INVALID, ['TaskCancelled'], nothing, ...TERMINAL_NOTHING]),
  TimeOut: row([NF, INVALID, INVALID, INVALID, INVALID, ['TaskTimedOut'], ['TaskTimedOut'], nothing, ...TERMINAL_NOTHING]),
  FailTask: row([NF, ['TaskFailed'], ['TaskFailed'], ['TaskFailed'], ['TaskFailed'], ['TaskFailed'], ['TaskFailed'], ['TaskFailed'], ...TERMINAL_NOTHING]),
  Nudge: row([
    NF, ['NudgeReceived'], ['NudgeReceived'], ['NudgeReceived'], ['NudgeReceived'], ['NudgeReceived'], ['NudgeReceived'],
    { error: 'TASK_FINALIZING' },
    { error: 'TASK_ALREADY_TERMINAL' }, { error: 'TASK_ALREADY_TERMINAL' }, { error: 'TASK_ALREADY_TERMINAL' },
    { error: 'TASK_ALREADY_TERMINAL' }, { error: 'TASK_ALREADY_TERMINAL' },
  ]),
};

const CASES = (Object.keys(MATRIX) as CommandName[]).flatMap((command) =>
  SITUATIONS.map((situation) => [command, situation, MATRIX[command][situation]] as const),
);

describe('Task decider: every command in every situation', () => {
  it.each(CASES)('%s when %s', (command, situation, expected) => {
    const spec = given(HISTORIES[situation]).when(C[command]);
    if (expected === 'nothing') spec.thenNothing();
    else if ('error' in expected) spec.thenThrows(expected.error);
    else expect(spec.events().map((e) => e.type)).toEqual(expected);
  });

  it('error messages name the task, its status and what to do', () => {
    const err = given(HISTORIES.QUEUED).when(C.StartSession).thenThrows('INVALID_TRANSITION');
    expect(err.message).toBe(
      `Cannot start a session for task ${TASK_ID}: it is QUEUED; a session starts only after its context is hydrated (HYDRATING).`,
    );
    expect(err.details).toEqual({ taskId: TASK_ID, status: 'QUEUED' });
    given(HISTORIES.HYDRATING).when(C.StartSession).thenThrows('INVALID_TRANSITION', /not hydrated yet/);
    given(HISTORIES.NEW).when(C.AdmitTask).thenThrows('TASK_NOT_FOUND', /does not exist/);
  });
});

// ── SubmitTask ──────────────────────────────────────────────────────────────────────────────────

describe('SubmitTask', () => {
  it('records the task with the repo defaults and a branch name', () => {
    given([]).when(submitCommand()).then([ev.submitted]);
  });

  it('uses the values the task asks for over the repo defaults', () => {
    const [e] = given([]).when(submitCommand({ maxTurns: 10, maxBudgetUsd: null, modelId: 'model-y', channelSource: 'webhook', idempotencyKey: 'k-1' })).events();
    expect(e?.data).toMatchObject({ maxTurns: 10, maxBudgetUsd: null, modelId: 'model-y', channelSource: 'webhook', idempotencyKey: 'k-1', computeType: 'local' });
  });

  it('takes the compute type from the repo config', () => {
    const [e] = given([]).when(submitCommand({ repoConfig: { ...REPO_CONFIG, computeType: 'agentcore' } })).events();
    expect(e?.data).toMatchObject({ computeType: 'agentcore' });
  });

  it('names the branch after the issue when there is no description', () => {
    const [e] = given([]).when(submitCommand({ taskDescription: null, issueNumber: 42 })).events();
    expect(e?.data).toMatchObject({ taskDescription: null, issueNumber: 42, branchName: `bgagent/${TASK_ID}/issue-42` });
  });

  it('refuses a repository that is not onboarded, and says how to onboard it', () => {
    const err = given([]).when(submitCommand({ repoConfig: null })).thenThrows('REPO_NOT_ONBOARDED');
    expect(err.message).toContain(`Repository ${REPO} is not onboarded; onboard it with \`bgagent repo onboard ${REPO}\``);
    expect(err.details).toEqual({ repo: REPO });
  });

  it.each([
    ['no description and no issue', { taskDescription: null, issueNumber: null }, /description or an issue number/],
    ['a blank description and no issue', { taskDescription: '   ', issueNumber: null }, /description or an issue number/],
    ['a description over 10,000 characters', { taskDescription: 'x'.repeat(10_001) }, /10,000/],
    ['issue number 0', { taskDescription: null, issueNumber: 0 }, /issue_number/],
    ['max turns 0', { maxTurns: 0 }, /max_turns.*1 to 500/],
    ['max turns 501', { maxTurns: 501 }, /max_turns/],
    ['max turns 2.5', { maxTurns: 2.5 }, /max_turns/],
    ['a budget of 0', { maxBudgetUsd: 0 }, /max_budget_usd/],
    ['a budget of 101', { maxBudgetUsd: 101 }, /max_budget_usd/],
    ['a bad repo name', { repo: 'not a repo' }, /repo must match pattern/],
    ['a bad idempotency key', { idempotencyKey: 'has spaces' }, /idempotencyKey/],
    ['an empty model id', { modelId: '' }, /modelId/],
  ] as const)('refuses %s (VALIDATION_ERROR)', (_label, overrides, message) => {
    given([]).when(submitCommand(overrides)).thenThrows('VALIDATION_ERROR', message);
  });

  it("takes the repository's config from the Repo aggregate (repoConfigForTasks)", () => {
    const repo = fold(repoDecider, toFoldable([{ type: 'RepoOnboarded', data: { repo: REPO, config: withDefaults({ computeType: 'ecs', maxTurns: 30 }) } }]));
    const [e] = given([]).when(submitCommand({ repoConfig: repoConfigForTasks(repo) })).events();
    expect(e?.data).toMatchObject({ computeType: 'ecs', maxTurns: 30, modelId: 'anthropic.claude-sonnet-4-5', maxBudgetUsd: null });
    const gone = fold(repoDecider, toFoldable([
      { type: 'RepoOnboarded', data: { repo: REPO, config: withDefaults() } },
      { type: 'RepoOffboarded', data: { repo: REPO, reason: null } },
    ]));
    given([]).when(submitCommand({ repoConfig: repoConfigForTasks(gone) })).thenThrows('REPO_NOT_ONBOARDED');
  });

  it('does nothing for a duplicate submission, whatever it says', () => {
    given([ev.submitted]).when(submitCommand({ repoConfig: null })).thenNothing();
    given(HISTORIES.COMPLETED).when(submitCommand()).thenNothing();
  });
});

// ── admission ───────────────────────────────────────────────────────────────────────────────────

describe('QueueTask / AdmitTask', () => {
  it('queues a submitted task at the given position', () => {
    given([ev.submitted]).when({ type: 'QueueTask', position: 3 }).then([{ type: 'TaskQueued', data: { userId: USER_ID, position: 3 } }]);
  });

  it('admits a submitted task, or a queued one from the queue', () => {
    given([ev.submitted]).when({ type: 'AdmitTask', fromQueue: false }).then([ev.admitted]);
    given([ev.submitted, ev.queued]).when({ type: 'AdmitTask', fromQueue: true }).then([ev.admittedFromQueue]);
  });

  it('ignores a redelivered queue or admission after the task moved on', () => {
    given([ev.submitted, ev.admitted]).when({ type: 'QueueTask', position: 1 }).thenNothing();
    given([ev.submitted, ev.admitted]).when({ type: 'AdmitTask', fromQueue: false }).thenNothing();
    given(HISTORIES.CANCELLED_WHILE_QUEUED).when({ type: 'AdmitTask', fromQueue: true }).thenNothing();
  });
});

// ── hydration ───────────────────────────────────────────────────────────────────────────────────

describe('RecordHydration / FailHydration', () => {
  it('records the hydrated context once', () => {
    given(HISTORIES.HYDRATING).when(C.RecordHydration).then([ev.hydrated]);
    given(HISTORIES.HYDRATED).when(C.RecordHydration).thenNothing();
  });

  it('fails the task when hydration fails', () => {
    given(HISTORIES.HYDRATING)
      .when(C.FailHydration)
      .then([ev.hydrationFailed, { type: 'TaskFailed', data: { code: 'HYDRATION_FAILED', reason: 'issue #9 not found' } }]);
  });

  it('ignores a hydration failure reported after the context was recorded (redelivered attempt)', () => {
    given(HISTORIES.HYDRATED).when(C.FailHydration).thenNothing();
  });

  it('keeps long or empty failure reasons within the event limits', () => {
    const [hf, tf] = given(HISTORIES.HYDRATING).when({ ...C.FailHydration, reason: 'r'.repeat(5000) }).events();
    expect(hf?.type === 'HydrationFailed' && hf.data.reason.length).toBe(2000);
    expect(tf?.type === 'TaskFailed' && tf.data.reason.length).toBe(4000);
    const [, empty] = given(HISTORIES.HYDRATING).when({ ...C.FailHydration, reason: ' ' }).events();
    expect(empty?.data).toMatchObject({ reason: '(no reason given)' });
  });
});

// ── session ─────────────────────────────────────────────────────────────────────────────────────

describe('StartSession / EndSession', () => {
  it('starts a session on a hydrated task', () => {
    given(HISTORIES.HYDRATED).when(C.StartSession).then([ev.started]);
  });

  it('treats a retried start of the same session as done, and refuses a second session', () => {
    given(HISTORIES.RUNNING).when(C.StartSession).thenNothing();
    const err = given(HISTORIES.RUNNING).when(C.StartOtherSession).thenThrows('SESSION_ALREADY_STARTED');
    expect(err.message).toContain(`session ${SESSION} already started`);
  });

  it("records the agent's report for the task's session once", () => {
    given(HISTORIES.RUNNING).when(C.EndSession).then([ev.ended]);
    given(HISTORIES.FINALIZING).when(C.EndSession).thenNothing();
  });

  it('refuses a report for another session', () => {
    const err = given(HISTORIES.RUNNING).when(C.EndOtherSession).thenThrows('SESSION_MISMATCH');
    expect(err.message).toContain(`Session ${OTHER_SESSION} is not the session of task ${TASK_ID} (its session is ${SESSION})`);
  });

  it('records the report while a cancellation is pending (the session ended first)', () => {
    given(HISTORIES.RUNNING_CANCEL_REQUESTED).when(C.EndSession).then([ev.ended]);
  });

  it('cuts an over-long agent error to the schema limit', () => {
    const [e] = given(HISTORIES.RUNNING).when({ ...C.EndSession, outcome: 'error', error: 'e'.repeat(9000) }).events();
    expect(e?.type === 'SessionEnded' && e.data.error?.length).toBe(4000);
  });
});

// ── finalization ────────────────────────────────────────────────────────────────────────────────

describe('FinalizeTask', () => {
  const finalizing = (report: Partial<SessionEnded>) => [
    ...HISTORIES.RUNNING,
    { type: 'SessionEnded' as const, data: { ...ev.ended.data, ...report } },
  ];

  it('completes with the pull request the provider found', () => {
    given(HISTORIES.FINALIZING).when(C.FinalizeTask).then([ev.completed]);
  });

  it("uses the agent's reported PR when the provider was not asked about it", () => {
    given(HISTORIES.FINALIZING).when({ type: 'FinalizeTask', commitsOnBranch: 2 }).then([ev.completed]);
  });

  it('believes the provider over the report: no PR found, commits on the branch → completed with a warning', () => {
    const [e] = given(HISTORIES.FINALIZING).when({ type: 'FinalizeTask', prUrl: null, prNumber: null, commitsOnBranch: 2 }).events();
    expect(e).toMatchObject({ type: 'TaskCompleted', data: { prUrl: null, prNumber: null, warning: expect.stringMatching(/No pull request was opened/) } });
    expect(e?.type === 'TaskCompleted' && e.data.warning).toContain(`bgagent/${TASK_ID}/fix-the-flaky-login-test`);
  });

  it('fails with NO_CHANGES when the agent succeeded but nothing is on the branch', () => {
    given(finalizing({ prUrl: null, prNumber: null, commits: 0 }))
      .when({ type: 'FinalizeTask', prUrl: null, prNumber: null, commitsOnBranch: 0 })
      .events()
      .forEach((e) => expect(e).toMatchObject({ type: 'TaskFailed', data: { code: 'NO_CHANGES' } }));
  });

  it("fails with AGENT_ERROR and the agent's error when it failed without a PR", () => {
    const [e] = given(finalizing({ outcome: 'error', error: 'ran out of turns', prUrl: null, prNumber: null }))
      .when({ type: 'FinalizeTask', prUrl: null, prNumber: null, commitsOnBranch: 1 })
      .events();
    expect(e).toMatchObject({ type: 'TaskFailed', data: { code: 'AGENT_ERROR', reason: expect.stringContaining('ran out of turns') } });
  });

  it('completes with a warning when the agent failed but a PR exists', () => {
    const [e] = given(finalizing({ outcome: 'error', error: 'lint failed' })).when(C.FinalizeTask).events();
    expect(e).toMatchObject({ type: 'TaskCompleted', data: { prUrl: PR_URL, warning: expect.stringContaining('lint failed') } });
  });

  it('fails with NO_REPORT when the session ended without a report', () => {
    const [e] = given(finalizing({ outcome: 'no_report', prUrl: null, prNumber: null, commits: 0 })).when({ type: 'FinalizeTask', commitsOnBranch: 0 }).events();
    expect(e).toMatchObject({ type: 'TaskFailed', data: { code: 'NO_REPORT' } });
  });

  it('does nothing once the task has a result', () => {
    given(HISTORIES.COMPLETED).when(C.FinalizeTask).thenNothing();
  });
});

// ── cancellation matrix ─────────────────────────────────────────────────────────────────────────

describe('cancellation', () => {
  const request = C.RequestCancellation;
  const requested = { type: 'TaskCancellationRequested' as const, data: { requestedBy: `user:${USER_ID}`, reason: 'not needed' } };

  it.each([
    ['SUBMITTED', HISTORIES.SUBMITTED],
    ['QUEUED', HISTORIES.QUEUED],
    ['HYDRATING', HISTORIES.HYDRATING],
    ['HYDRATING', HISTORIES.HYDRATED],
  ] as const)('cancels a %s task at once (nothing runs yet)', (previousStatus, history) => {
    given(history).when(request).then([requested, { type: 'TaskCancelled', data: { previousStatus } }]);
  });

  it('asks to stop a running session, then cancels when the stop is confirmed', () => {
    given(HISTORIES.RUNNING).when(request).then([requested]);
    given([...HISTORIES.RUNNING, requested]).when(C.ConfirmCancellation).then([ev.cancelledRunning]);
  });

  it('keeps the task RUNNING with cancelRequested until the stop is confirmed', () => {
    const state = given([...HISTORIES.RUNNING, requested]).state() as Task;
    expect(state.status).toBe('RUNNING');
    expect(state.cancelRequested).toBe(true);
    expect(state.cancellation).toMatchObject({ requestedBy: `user:${USER_ID}`, reason: 'not needed' });
  });

  it('treats a second request while stopping as a duplicate', () => {
    given(HISTORIES.RUNNING_CANCEL_REQUESTED).when(request).thenNothing();
  });

  it('finalization wins: a task whose session ended cannot be cancelled', () => {
    const err = given(HISTORIES.FINALIZING).when(request).thenThrows('TASK_FINALIZING');
    expect(err.message).toContain("finalization wins: the task's result is being recorded");
  });

  it('a session stopped by the cancellation, with nothing to show, ends CANCELLED (its report outran the confirmation)', () => {
    const stoppedReport = { type: 'SessionEnded' as const, data: { sessionId: SESSION, outcome: 'error' as const, error: 'the session was stopped (SIGTERM)', turns: 1, costUsd: 0.01, commits: 1, prUrl: null, prNumber: null, buildPassed: null, lintPassed: null } };
    const stopped = [...HISTORIES.RUNNING_CANCEL_REQUESTED, stoppedReport];
    given(stopped).when({ type: 'FinalizeTask', prUrl: null, prNumber: null, commitsOnBranch: 1 }).then([{ type: 'TaskCancelled', data: { previousStatus: 'FINALIZING' } }]);
  });

  it('finalization wins: the session ended before the stop was confirmed', () => {
    const endedWhileStopping = [...HISTORIES.RUNNING_CANCEL_REQUESTED, ev.ended];
    given(endedWhileStopping).when(C.ConfirmCancellation).thenNothing();
    given(endedWhileStopping).when(C.FinalizeTask).then([ev.completed]);
  });

  it('refuses to cancel a finished task', () => {
    for (const s of ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'CANCELLED_WHILE_QUEUED'] as const) {
      const err = given(HISTORIES[s]).when(request).thenThrows('TASK_ALREADY_TERMINAL');
      expect(err.message).toMatch(/is already (COMPLETED|FAILED|CANCELLED|TIMED_OUT); there is nothing to cancel/);
    }
  });

  it('refuses to confirm a cancellation nobody asked for', () => {
    given(HISTORIES.RUNNING).when(C.ConfirmCancellation).thenThrows('INVALID_TRANSITION', /no cancellation was requested/);
  });

  it('a deadline that passes while stopping times the task out', () => {
    given(HISTORIES.RUNNING_CANCEL_REQUESTED).when(C.TimeOut).then([ev.timedOut]);
  });

  it('validates who cancels and the reason', () => {
    given(HISTORIES.RUNNING).when({ ...request, requestedBy: ' ' }).thenThrows('VALIDATION_ERROR', /requestedBy/);
    given(HISTORIES.RUNNING).when({ ...request, reason: 'x'.repeat(1001) }).thenThrows('VALIDATION_ERROR', /1000/);
  });
});

// ── watchdog ────────────────────────────────────────────────────────────────────────────────────

describe('TimeOut / FailTask', () => {
  it('times out a running task with its session', () => {
    given(HISTORIES.RUNNING).when(C.TimeOut).then([ev.timedOut]);
  });

  it('finalization wins over a deadline that passes after the session ended', () => {
    given(HISTORIES.FINALIZING).when(C.TimeOut).thenNothing();
  });

  it('fails any task in flight with the given code, once', () => {
    given(HISTORIES.QUEUED).when({ type: 'FailTask', code: 'QUEUE_TIMEOUT', reason: 'waited 24 hours' }).then([
      { type: 'TaskFailed', data: { code: 'QUEUE_TIMEOUT', reason: 'waited 24 hours' } },
    ]);
    given([...HISTORIES.RUNNING, { type: 'TaskFailed', data: { code: 'HEARTBEAT_LOST', reason: 'no heartbeat' } }]).when(C.FailTask).thenNothing();
  });
});

// ── nudges ──────────────────────────────────────────────────────────────────────────────────────

describe('Nudge', () => {
  const nudge = C.Nudge;
  const received = (data: Partial<NudgeReceived> = {}) => ({ type: 'NudgeReceived' as const, data: { ...ev.nudged.data, ...data } });

  it("records the nudge with the task's running session", () => {
    given(HISTORIES.RUNNING).when(nudge).then([ev.nudged]);
  });

  it('records a nudge sent before the session started with no session (the agent reads it when it starts)', () => {
    given(HISTORIES.QUEUED).when(nudge).then([received({ sessionId: null })]);
    given(HISTORIES.HYDRATED).when(nudge).then([received({ sessionId: null })]);
  });

  it('is idempotent on nudgeId: a retry records nothing, whatever it says and even after the task ended', () => {
    given([...HISTORIES.RUNNING, ev.nudged]).when({ ...nudge, message: 'something else' }).thenNothing();
    given([...HISTORIES.RUNNING, ev.nudged, ev.ended, ev.completed]).when(nudge).thenNothing();
  });

  it('records a second nudge with another id', () => {
    given([...HISTORIES.RUNNING, ev.nudged]).when({ ...nudge, nudgeId: 'second-nudge' }).then([received({ nudgeId: 'second-nudge' })]);
  });

  it('refuses a finished task (TASK_ALREADY_TERMINAL, as RequestCancellation does) and one whose result is being recorded', () => {
    for (const s of ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'CANCELLED_WHILE_QUEUED'] as const) {
      const err = given(HISTORIES[s]).when(nudge).thenThrows('TASK_ALREADY_TERMINAL', /is already (COMPLETED|FAILED|CANCELLED|TIMED_OUT); there is no agent left to nudge/);
      expect(err.details).toEqual({ taskId: TASK_ID, status: given(HISTORIES[s]).state().status });
    }
    given(HISTORIES.FINALIZING).when(nudge).thenThrows('TASK_FINALIZING', /no agent would read the message/);
  });

  it('removes invisible characters and surrounding whitespace, and keeps what the user typed', () => {
    given(HISTORIES.RUNNING)
      .when({ ...nudge, message: '  \u202Eplease\u200B use pnpm\r\nfor Vec<String>\u0007 \n' })
      .then([received({ message: 'please use pnpm\nfor Vec<String>' })]);
  });

  it.each([
    ['an empty message', { message: '' }, /needs a message/],
    ['a message of whitespace', { message: ' \n\t ' }, /needs a message/],
    ['a message of invisible characters only', { message: '\u200B\u202E\u0000' }, /needs a message/],
    ['a message over 2000 characters', { message: 'x'.repeat(2001) }, /2001 characters long; keep it to 2000/],
    ['a bad nudge id', { nudgeId: 'has spaces' }, /nudgeId must be/],
    ['an empty nudge id', { nudgeId: '' }, /nudgeId must be/],
    ['nobody as the sender', { nudgedBy: ' ' }, /nudgedBy must name who nudges/],
  ] as const)('refuses %s (VALIDATION_ERROR)', (_label, overrides, message) => {
    given(HISTORIES.RUNNING).when({ ...nudge, ...overrides }).thenThrows('VALIDATION_ERROR', message);
  });

  it('counts characters as the schema does: 2000 emoji fit', () => {
    const [e] = given(HISTORIES.RUNNING).when({ ...nudge, message: '😀'.repeat(2000) }).events();
    expect(e?.type === 'NudgeReceived' && e.data.message.length).toBe(4000);
  });

  it('keeps the nudge ids and changes neither the status nor updatedAt', () => {
    const before = given(HISTORIES.RUNNING).state() as Task;
    const after = given([...HISTORIES.RUNNING, ev.nudged]).state() as Task;
    expect(after).toEqual({ ...before, nudgeIds: [NUDGE_ID] });
    expect(before.nudgeIds).toEqual([]);
  });
});

// ── evolve ──────────────────────────────────────────────────────────────────────────────────────

describe('evolve', () => {
  const stateOf = (events: Parameters<typeof toFoldable<TaskEventType>>[0]) => fold(taskDecider, toFoldable(events));

  it.each([
    ['SUBMITTED', HISTORIES.SUBMITTED],
    ['QUEUED', HISTORIES.QUEUED],
    ['HYDRATING', HISTORIES.HYDRATING],
    ['HYDRATING', HISTORIES.HYDRATED],
    ['RUNNING', HISTORIES.RUNNING],
    ['RUNNING', HISTORIES.RUNNING_CANCEL_REQUESTED],
    ['FINALIZING', HISTORIES.FINALIZING],
    ['COMPLETED', HISTORIES.COMPLETED],
    ['FAILED', HISTORIES.FAILED],
    ['CANCELLED', HISTORIES.CANCELLED],
    ['TIMED_OUT', HISTORIES.TIMED_OUT],
    ['CANCELLED', HISTORIES.CANCELLED_WHILE_QUEUED],
  ] as const)('folds to %s', (status, history) => {
    expect(stateOf(history).status).toBe(status);
  });

  it('starts with no task', () => {
    expect(taskDecider.initialState()).toEqual({ status: null });
  });

  it('keeps what later commands need', () => {
    const s = stateOf(HISTORIES.FINALIZING) as Task;
    expect(s).toMatchObject({
      taskId: TASK_ID,
      userId: USER_ID,
      repo: REPO,
      branchName: `bgagent/${TASK_ID}/fix-the-flaky-login-test`,
      hydrated: true,
      hydration: { promptVersion: PROMPT_VERSION },
      session: { sessionId: SESSION, deadlineAt: DEADLINE },
      report: { sessionId: SESSION, outcome: 'success', prUrl: PR_URL },
      cancelRequested: false,
      outcome: null,
      submittedAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:04.000Z',
    });
    expect(stateOf(HISTORIES.QUEUED)).toMatchObject({ queuePosition: 1, queuedAt: '2025-01-01T00:00:01.000Z' });
    expect(stateOf(HISTORIES.COMPLETED)).toMatchObject({ outcome: { status: 'COMPLETED', prUrl: PR_URL }, endedAt: '2025-01-01T00:00:05.000Z' });
    expect(stateOf(HISTORIES.CANCELLED_WHILE_QUEUED)).toMatchObject({ outcome: { status: 'CANCELLED', previousStatus: 'QUEUED' }, queuePosition: null });
    expect(stateOf([ev.submitted, ev.admitted, ev.hydrationFailed])).toMatchObject({ status: 'HYDRATING', hydrationFailure: { category: 'github' } });
  });

  it('throws on a corrupt stream (an event before TaskSubmitted)', () => {
    expect(() => stateOf([ev.admitted])).toThrow(/corrupt Task stream: TaskAdmitted \(sequence 1\) comes before TaskSubmitted/);
  });

  it('ignores a second TaskSubmitted', () => {
    expect(stateOf([ev.submitted, ev.admitted, ev.submitted]).status).toBe('HYDRATING');
  });
});

describe('a whole happy path', () => {
  it('goes from submission to completion, each step folding to the next state', () => {
    const commands: TaskCommand[] = [C.SubmitTask, C.AdmitTask, C.RecordHydration, C.StartSession, C.EndSession, C.FinalizeTask];
    const history: TaskEvent[] = [];
    for (const command of commands) history.push(...given(history).when(command).events());
    expect(history.map((e) => e.type)).toEqual(['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'SessionStarted', 'SessionEnded', 'TaskCompleted']);
    expect(given(history).state().status).toBe('COMPLETED');
  });

  it('throws only DomainErrors for refused commands', () => {
    expect(() => taskDecider.decide(C.StartSession, taskDecider.initialState())).toThrow(DomainError);
    expect(NOW).toBe('2025-01-01T00:00:00.000Z');
  });
});
