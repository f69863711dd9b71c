import fc from 'fast-check';
import { taskViewOf } from '../../services/adapters/testing/folding-views';
import { fold } from '../../services/kernel/decider';
import type { EventEnvelope, FoldableEvent, StreamRef } from '../../services/kernel/envelope';
import type { TaskCommand } from '../../services/tasks/task/task-commands';
import { taskDecider } from '../../services/tasks/task/task-decider';
import type { TaskEventType } from '../../services/tasks/task/task-state';
import { foldView } from '../projection';
import { envelopes, happyPath, history, PROMPT_VERSION, submit, timed } from '../testing/histories';
import type { TaskView } from './task-view';
import { durationSeconds, evolveTaskView, taskViewProjection } from './task-view-projection';

const TASK = 'task-1';
const USER = 'user-1';
const stream: StreamRef = { type: 'Task', id: TASK };

const viewOf = (events: readonly EventEnvelope[]): TaskView | null => foldView(taskViewProjection, TASK, events).view;
const run = (commands: readonly TaskCommand[], start?: string) => history(taskDecider, stream, timed([submit(TASK, USER), ...commands], start));

test('a submitted task: every TaskDetail field, absent values null', () => {
  const events = run([]);
  expect(viewOf(events)).toEqual<TaskView>({
    taskId: TASK,
    userId: USER,
    status: 'SUBMITTED',
    repo: 'octo/widgets',
    issueNumber: null,
    taskDescription: `Do task ${TASK}`,
    branchName: events[0]!.type === 'TaskSubmitted' ? events[0]!.data.branchName : '',
    sessionId: null,
    computeType: 'local',
    modelId: 'model-x',
    prUrl: null,
    prNumber: null,
    errorCode: null,
    errorMessage: null,
    warning: null,
    promptVersion: null,
    channelSource: 'api',
    idempotencyKey: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    completedAt: null,
    durationS: null,
    costUsd: null,
    buildPassed: null,
    lintPassed: null,
    maxTurns: 80,
    maxBudgetUsd: 5,
    turnsCompleted: null,
    queuedAt: null,
    queuePosition: null,
    deadlineAt: null,
    cancelRequested: false,
    lastSequence: 1,
  });
});

test('the happy path: times, session, report and pull request', () => {
  // t0 submit, t1 admit, t2 hydrate, t3 start, t4 end, t5 finalize (one minute apart)
  const events = run(happyPath(TASK));
  const view = viewOf(events)!;
  expect(events.map((e) => e.type)).toEqual(['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'SessionStarted', 'SessionEnded', 'TaskCompleted']);
  expect(view).toMatchObject({
    status: 'COMPLETED',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:03:00.000Z',
    completedAt: '2025-01-01T00:05:00.000Z',
    updatedAt: '2025-01-01T00:05:00.000Z',
    durationS: 120,
    sessionId: `sess-${TASK}`,
    deadlineAt: '2025-01-01T08:00:00.000Z',
    promptVersion: PROMPT_VERSION,
    costUsd: 1.25,
    turnsCompleted: 17,
    buildPassed: true,
    lintPassed: false,
    prUrl: 'https://github.com/octo/widgets/pull/7',
    prNumber: 7,
    warning: null,
    errorCode: null,
    lastSequence: 6,
  });
});

test('status after each event follows the lifecycle', () => {
  const events = run(happyPath(TASK));
  const statuses = events.map((_, i) => viewOf(events.slice(0, i + 1))!.status);
  expect(statuses).toEqual(['SUBMITTED', 'HYDRATING', 'HYDRATING', 'RUNNING', 'FINALIZING', 'COMPLETED']);
});

test('queued, then admitted: queue position cleared, queuedAt kept', () => {
  const events = run([{ type: 'QueueTask', position: 3 }, { type: 'AdmitTask', fromQueue: true }]);
  expect(viewOf(events.slice(0, 2))).toMatchObject({ status: 'QUEUED', queuedAt: '2025-01-01T00:01:00.000Z', queuePosition: 3 });
  expect(viewOf(events)).toMatchObject({ status: 'HYDRATING', queuedAt: '2025-01-01T00:01:00.000Z', queuePosition: null });
});

test('cancelled while queued: CANCELLED, no position, cancelRequested, completedAt, no duration (never started)', () => {
  const events = run([{ type: 'QueueTask', position: 1 }, { type: 'RequestCancellation', requestedBy: `user:${USER}`, reason: null }]);
  expect(viewOf(events)).toMatchObject({
    status: 'CANCELLED',
    queuePosition: null,
    cancelRequested: true,
    completedAt: '2025-01-01T00:02:00.000Z',
    durationS: null,
  });
});

test('cancellation of a running task: requested first, then CANCELLED when confirmed', () => {
  const [admit, hydrate, start] = happyPath(TASK);
  const events = run([admit!, hydrate!, start!, { type: 'RequestCancellation', requestedBy: `user:${USER}`, reason: 'wrong repo' }, { type: 'ConfirmCancellation' }]);
  expect(viewOf(events.slice(0, -1))).toMatchObject({ status: 'RUNNING', cancelRequested: true, completedAt: null });
  expect(viewOf(events)).toMatchObject({ status: 'CANCELLED', cancelRequested: true, completedAt: '2025-01-01T00:05:00.000Z', durationS: 120 });
});

test('hydration failure: HYDRATION_FAILED with the reason', () => {
  const events = run([{ type: 'AdmitTask', fromQueue: false }, { type: 'FailHydration', category: 'github', reason: 'issue #4 not found', retryable: false }]);
  expect(events.map((e) => e.type)).toEqual(['TaskSubmitted', 'TaskAdmitted', 'HydrationFailed', 'TaskFailed']);
  expect(viewOf(events.slice(0, 3))).toMatchObject({ status: 'HYDRATING', errorCode: 'HYDRATION_FAILED', errorMessage: 'issue #4 not found' });
  expect(viewOf(events)).toMatchObject({ status: 'FAILED', errorCode: 'HYDRATION_FAILED', errorMessage: 'issue #4 not found', durationS: null });
});

test('timed out: TIMED_OUT error code and a message naming the deadline', () => {
  const [admit, hydrate, start] = happyPath(TASK, '2025-01-01T00:04:00.000Z');
  const events = run([admit!, hydrate!, start!, { type: 'TimeOut', deadlineAt: '2025-01-01T00:04:00.000Z' }]);
  const view = viewOf(events)!;
  expect(view).toMatchObject({ status: 'TIMED_OUT', errorCode: 'TIMED_OUT', completedAt: '2025-01-01T00:04:00.000Z', durationS: 60 });
  expect(view.errorMessage).toContain('2025-01-01T00:04:00.000Z');
});

test('failed by the finalizer: its code and reason', () => {
  const commands = happyPath(TASK);
  const end = commands[3] as Extract<TaskCommand, { type: 'EndSession' }>;
  const events = run([...commands.slice(0, 3), { ...end, outcome: 'success', prUrl: null, prNumber: null, commits: 0 }, { type: 'FinalizeTask', commitsOnBranch: 0 }]);
  const view = viewOf(events)!;
  expect(view.status).toBe('FAILED');
  expect(view.errorCode).toBe('NO_CHANGES');
  expect(view.errorMessage).toEqual(expect.any(String));
  expect(view.prUrl).toBeNull();
});

test('updatedAt is the latest occurredAt, even if an event carries an earlier clock', () => {
  const events = run([{ type: 'AdmitTask', fromQueue: false }]);
  const skewed = { ...events[1]!, occurredAt: '2024-12-31T23:59:00.000Z' } as EventEnvelope<TaskEventType>;
  const view = evolveTaskView(evolveTaskView(null, events[0] as EventEnvelope<TaskEventType>), skewed)!;
  expect(view.updatedAt).toBe('2025-01-01T00:00:00.000Z');
  expect(view.status).toBe('HYDRATING');
});

test('no view without TaskSubmitted; a second TaskSubmitted changes nothing', () => {
  const events = run([{ type: 'AdmitTask', fromQueue: false }]);
  expect(evolveTaskView(null, events[1] as EventEnvelope<TaskEventType>)).toBeNull();
  const first = viewOf(events.slice(0, 1))!;
  const again = envelopes(stream, 2, [{ type: 'TaskSubmitted', data: { ...(events[0]!.data as object), repo: 'other/repo' } } as never], '2025-02-01T00:00:00.000Z')[0]!;
  expect(evolveTaskView(first, again as EventEnvelope<TaskEventType>)).toBe(first);
});

test('a nudge changes nothing in the view but lastSequence (updatedAt measures progress, not messages)', () => {
  const [admit, hydrate, start] = happyPath(TASK);
  const events = run([admit!, hydrate!, start!, { type: 'Nudge', nudgeId: 'n-1', message: 'use pnpm', nudgedBy: `user:${USER}` }]);
  expect(events.at(-1)?.type).toBe('NudgeReceived');
  expect(viewOf(events)).toEqual({ ...viewOf(events.slice(0, -1)), lastSequence: events.length });
});

test('the projection handles every Task event type and nothing else', () => {
  expect(taskViewProjection.streamType).toBe('Task');
  expect(taskViewProjection.canHandle('TaskTimedOut')).toBe(true);
  expect(taskViewProjection.canHandle('SlotAcquired')).toBe(false);
  expect(taskViewProjection.initialState(TASK)).toBeNull();
});

test('durationSeconds', () => {
  expect(durationSeconds('2025-01-01T00:00:00.000Z', '2025-01-01T00:01:30.400Z')).toBe(90);
  expect(durationSeconds(null, '2025-01-01T00:00:00.000Z')).toBeNull();
  expect(durationSeconds('2025-01-01T00:00:00.000Z', null)).toBeNull();
  expect(durationSeconds('nope', '2025-01-01T00:00:00.000Z')).toBeNull();
});

// ── property: the view agrees with the Task aggregate ──────────────────────────────────────────

const sessionId = fc.constantFrom('s-1', 's-2');
const command: fc.Arbitrary<TaskCommand> = fc.oneof(
  fc.integer({ min: 1, max: 5 }).map((position): TaskCommand => ({ type: 'QueueTask', position })),
  fc.boolean().map((fromQueue): TaskCommand => ({ type: 'AdmitTask', fromQueue })),
  fc.constant(happyPath(TASK)[1]!),
  fc.constantFrom('github', 'screening', 'budget', 'internal').map((category): TaskCommand => ({ type: 'FailHydration', category, reason: 'no', retryable: false })),
  sessionId.map((id): TaskCommand => ({ type: 'StartSession', sessionId: id, computeType: 'local', deadlineAt: '2025-01-01T08:00:00.000Z' })),
  fc.record({ id: sessionId, outcome: fc.constantFrom('success', 'error', 'no_report'), pr: fc.boolean(), commits: fc.nat(3), cost: fc.double({ min: 0, max: 10, noNaN: true }) }).map(
    ({ id, outcome, pr, commits, cost }): TaskCommand => ({
      type: 'EndSession',
      sessionId: id,
      outcome,
      error: outcome === 'error' ? 'it broke' : null,
      turns: 3,
      costUsd: cost,
      commits,
      prUrl: pr ? 'https://github.com/octo/widgets/pull/7' : null,
      prNumber: pr ? 7 : null,
      buildPassed: pr ? true : null,
      lintPassed: null,
    }),
  ),
  fc.record({ commits: fc.nat(3) }).map(({ commits }): TaskCommand => ({ type: 'FinalizeTask', commitsOnBranch: commits })),
  fc.constant<TaskCommand>({ type: 'RequestCancellation', requestedBy: 'user:u', reason: null }),
  fc.constant<TaskCommand>({ type: 'ConfirmCancellation' }),
  fc.constant<TaskCommand>({ type: 'TimeOut', deadlineAt: '2025-01-01T08:00:00.000Z' }),
  fc.constantFrom('STRANDED', 'HEARTBEAT_LOST', 'QUEUE_TIMEOUT').map((code): TaskCommand => ({ type: 'FailTask', code, reason: 'watchdog' })),
  fc.constantFrom('n-1', 'n-2').map((nudgeId): TaskCommand => ({ type: 'Nudge', nudgeId, message: 'use pnpm', nudgedBy: 'user:u' })),
);

test('property: after any history, the view equals the aggregate as the read-side test double sees it (TIMED_OUT error fields aside)', () => {
  fc.assert(
    fc.property(fc.array(command, { maxLength: 14 }), fc.integer({ min: 1, max: 600_000 }), (commands, stepMs) => {
      const events = history(taskDecider, stream, timed([submit(TASK, USER), ...commands], undefined, stepMs));
      for (let n = 1; n <= events.length; n++) {
        const prefix = events.slice(0, n);
        const task = fold(taskDecider, prefix as unknown as FoldableEvent<TaskEventType>[]);
        if (task.status === null) throw new Error('unreachable: the history starts with TaskSubmitted');
        const view = viewOf(prefix)!;
        const expected = taskViewOf(task, prefix);
        if (task.status === 'TIMED_OUT') {
          expect(view).toEqual({ ...expected, errorCode: 'TIMED_OUT', errorMessage: expect.any(String) });
        } else if (task.hydrationFailure !== null && task.status !== 'FAILED') {
          expect(view).toEqual({ ...expected, errorCode: 'HYDRATION_FAILED', errorMessage: task.hydrationFailure.reason });
        } else {
          expect(view).toEqual(expected);
        }
      }
    }),
    { numRuns: 300 },
  );
});
