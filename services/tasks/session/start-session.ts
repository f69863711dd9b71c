/**
 * Starting a task's agent session (ContextHydrated → SessionStarted), shared by the session service
 * and the watchdog's re-drive of a hydrated task that never started.
 *
 *  1. Only a HYDRATING, hydrated task without a session starts one. A RUNNING task (a redelivered
 *     event) only gets its deadline scheduled again (same name, same time: harmless).
 *  2. The session id is chosen before the start (`s-<taskId>-1`), so a retried start is the same
 *     session for the compute and for the decider (StartSession with the same id is a no-op).
 *  3. deadlineAt = now + the repo's session.maxDurationMinutes (defaults when the repo has no config).
 *  4. compute.startSession: a permanent refusal fails the task (SESSION_START_FAILED); a transient
 *     error propagates (the message is retried).
 *  5. StartSession. When the task ended meanwhile (cancelled while the session was starting), the
 *     command records nothing and the compute session is stopped.
 *  6. The deadline is scheduled from the recorded session (so every retry schedules the same time).
 */
import type { SessionStarted } from '../../../schemas/generated/events/SessionStarted.v1';
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import { isDomainError } from '../../kernel/errors';
import type { Logger } from '../../kernel/logger';
import type { Ports } from '../../ports/ports';
import type { SessionInput } from '../../ports/compute';
import { taskDecider } from '../task/task-decider';
import { isTerminal } from '../task/task-state';
import { isPermanentStartError } from './compute-errors';
import { scheduleDeadline } from './deadline';
import { loadAggregate } from '../../kernel/load-aggregate';
import { loadRepoConfig } from '../../repos/repo/load-repo-config';
import { taskStream } from '../../streams';

/** The one session of a task, named before it starts. */
export const sessionIdFor = (taskId: string): string => `s-${taskId}-1`;

export type StartOutcome =
  | { readonly status: 'started' | 'already-running'; readonly sessionId: string; readonly deadlineAt: string }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'stopped'; readonly sessionId: string; readonly reason: string }
  | { readonly status: 'skipped'; readonly reason: string };

export type SessionDeps = Pick<Ports, 'store' | 'compute' | 'scheduler'>;

type Log = Pick<Logger, 'info' | 'warn'>;

export async function startTaskSession(deps: SessionDeps, taskId: string, context: CommandContext, logger: Log): Promise<StartOutcome> {
  const task = await loadAggregate(deps.store, taskStream(taskId), taskDecider);
  if (task.status === null) return { status: 'skipped', reason: 'the task does not exist' };
  if (task.status === 'RUNNING' && task.session !== null) {
    await scheduleDeadline(deps.scheduler, taskId, task.session);
    return { status: 'already-running', sessionId: task.session.sessionId, deadlineAt: task.session.deadlineAt };
  }
  if (isTerminal(task.status)) {
    // Ended before its session was recorded. An earlier attempt may have started the compute
    // session and crashed before StartSession: stopping the (deterministic) id is harmless.
    if (task.session === null && task.hydrated) await stopQuietly(deps, task.computeType, sessionIdFor(taskId), logger);
    return { status: 'skipped', reason: `the task is ${task.status}` };
  }
  if (task.status !== 'HYDRATING') return { status: 'skipped', reason: `the task is ${task.status}` };
  if (!task.hydrated) return { status: 'skipped', reason: 'the context is not hydrated yet' };

  const repoConfig = await loadRepoConfig(deps.store, task.repo);
  const sessionId = sessionIdFor(taskId);
  const deadlineAt = new Date(context.now.getTime() + repoConfig.session.maxDurationMinutes * 60_000).toISOString();
  const compute = deps.compute(task.computeType);
  const input: SessionInput = {
    taskId,
    sessionId,
    userId: task.userId,
    repo: task.repo,
    branchName: task.branchName,
    issueNumber: task.issueNumber,
    promptRef: task.hydration!.promptRef,
    promptVersion: task.hydration!.promptVersion,
    modelId: task.modelId,
    maxTurns: task.maxTurns,
    maxBudgetUsd: task.maxBudgetUsd,
    deadlineAt,
  };

  try {
    await compute.startSession(input);
  } catch (err) {
    if (!isPermanentStartError(err)) throw err;
    const reason = `The ${task.computeType} compute refused to start the agent session ${sessionId}: ${(err as Error).message}. Check the repository's compute settings, then submit the task again.`;
    await handleCommand(deps.store, taskDecider, taskStream(taskId), { type: 'FailTask', code: 'SESSION_START_FAILED', reason }, context);
    logger.warn('session start failed; the task fails', { taskId, sessionId, reason });
    return { status: 'failed', reason };
  }

  const started: SessionStarted = { sessionId, computeType: task.computeType, deadlineAt };
  let state;
  let appended = false;
  try {
    const result = await handleCommand(deps.store, taskDecider, taskStream(taskId), { type: 'StartSession', ...started }, context);
    state = result.result;
    appended = result.status === 'appended';
    if (appended) logger.info('session started', { taskId, sessionId, computeType: compute.type, deadlineAt });
  } catch (err) {
    if (!isDomainError(err, 'SESSION_ALREADY_STARTED')) throw err;
    await compute.stopSession({ computeType: compute.type, sessionId });
    return { status: 'stopped', sessionId, reason: err.message };
  }

  if (state.status !== null && state.session?.sessionId === sessionId) {
    if (state.status === 'RUNNING') await scheduleDeadline(deps.scheduler, taskId, state.session);
    return { status: appended ? 'started' : 'already-running', sessionId, deadlineAt: state.session.deadlineAt };
  }
  // The task ended while the session was starting (cancelled, failed by the watchdog): stop it.
  await compute.stopSession({ computeType: compute.type, sessionId });
  const reason = `the task ended (${state.status}) while its session was starting; the session was stopped`;
  logger.info('session stopped', { taskId, sessionId, reason });
  return { status: 'stopped', sessionId, reason };
}

async function stopQuietly(deps: SessionDeps, computeType: SessionStarted['computeType'], sessionId: string, logger: Log): Promise<void> {
  try {
    const compute = deps.compute(computeType);
    await compute.stopSession({ computeType: compute.type, sessionId });
  } catch (err) {
    logger.warn('could not stop a session that may have started', { sessionId, error: (err as Error).message });
  }
}
