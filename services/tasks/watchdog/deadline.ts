/**
 * Session deadlines. `SessionDeadlineReached` (from the durable schedule the session service made)
 * times the task out when it is still RUNNING with that session, then stops the compute session.
 * A deadline for a task that finished, or for another session, is ignored. A retry after the task
 * timed out stops the session again (stopping is idempotent), so a failed stop is not lost.
 */
import { handleCommand } from '../../kernel/command-handler';
import type { SessionDeadlineDetail } from '../session/deadline';
import { loadAggregate } from '../../kernel/load-aggregate';
import { taskDecider } from '../task/task-decider';
import { taskStream } from '../../streams';
import type { Task } from '../task/task-state';
import { commandContext, errorMessage, logAction, type WatchdogAction, type WatchdogContext } from './actions';

/** A deadline that fires more than this early (clock skew) is ignored; the sweep's backstop catches it later. */
const EARLY_TOLERANCE_MS = 1000;

export async function handleDeadline(ctx: WatchdogContext, detail: SessionDeadlineDetail): Promise<WatchdogAction | null> {
  const { deps, logger } = ctx;
  const task = await loadAggregate(deps.store, taskStream(detail.taskId), taskDecider);
  if (task.status === null) {
    logger.warn('deadline for an unknown task; ignored', { taskId: detail.taskId, sessionId: detail.sessionId });
    return null;
  }
  if (task.session?.sessionId !== detail.sessionId) {
    logger.info('deadline of a session that is not the task\'s; ignored', { taskId: detail.taskId, sessionId: detail.sessionId });
    return null;
  }
  if (task.status === 'TIMED_OUT') {
    await stopSession(ctx, task); // a retry: the first attempt may have failed to stop it
    return null;
  }
  if (task.status !== 'RUNNING') {
    logger.info('deadline reached after the session ended; nothing to do', { taskId: detail.taskId, status: task.status });
    return null;
  }
  if (ctx.now.getTime() < Date.parse(task.session.deadlineAt) - EARLY_TOLERANCE_MS) {
    logger.warn('deadline fired before the session deadline; ignored (the sweep times it out later)', {
      taskId: detail.taskId,
      deadlineAt: task.session.deadlineAt,
      now: ctx.now.toISOString(),
    });
    return null;
  }
  const action = await timeOutTask(ctx, task, `the session ${task.session.sessionId} reached its deadline ${task.session.deadlineAt}`);
  // Throw so the trigger is redelivered: the retry finds the task TIMED_OUT and stops the session again.
  if (action.result === 'error') throw new Error(`timing out task ${task.taskId} failed: ${action.detail}`);
  return action;
}

/** TimeOut, then stop the compute session. For RUNNING tasks with a session. */
export async function timeOutTask(ctx: WatchdogContext, task: Task, reason: string): Promise<WatchdogAction> {
  const session = task.session!;
  let result: WatchdogAction['result'];
  let detail: string | undefined;
  try {
    const out = await handleCommand(ctx.deps.store, taskDecider, taskStream(task.taskId), { type: 'TimeOut', deadlineAt: session.deadlineAt }, commandContext(ctx, task.taskId));
    result = out.status === 'appended' ? 'done' : 'noop';
    detail = `now ${out.result.status}`;
    if (out.result.status === 'TIMED_OUT') await stopSession(ctx, task);
  } catch (err) {
    result = 'error';
    detail = errorMessage(err);
  }
  return logAction(ctx.logger, { taskId: task.taskId, userId: task.userId, status: task.status, action: 'time-out', reason, result, ...(detail ? { detail } : {}) });
}

async function stopSession(ctx: WatchdogContext, task: Task): Promise<void> {
  const compute = ctx.deps.compute(task.session!.computeType);
  await compute.stopSession({ computeType: compute.type, sessionId: task.session!.sessionId });
}
