/**
 * Completing the cancellation of a running task (TaskCancellationRequested → stop the session →
 * TaskCancelled), shared by the cancellation service and the watchdog's re-drive. A task cancelled
 * before it ran is already CANCELLED (the decider ends it at once): nothing to do. A task whose
 * session ended first is FINALIZING: finalization wins, nothing to do. Stopping is idempotent, so a
 * retry after a failed ConfirmCancellation stops again harmlessly. Once the task is CANCELLED its
 * deadline schedule is cancelled.
 */
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import type { Logger } from '../../kernel/logger';
import type { Ports } from '../../ports/ports';
import { cancelDeadline } from '../session/deadline';
import { loadAggregate } from '../../kernel/load-aggregate';
import { taskDecider } from '../task/task-decider';
import { taskStream } from '../../streams';

export type CancellationOutcome =
  | { readonly status: 'cancelled'; readonly sessionId: string }
  | { readonly status: 'skipped'; readonly reason: string };

export type CancellationDeps = Pick<Ports, 'store' | 'compute' | 'scheduler'>;

export async function completeCancellation(
  deps: CancellationDeps,
  taskId: string,
  context: CommandContext,
  logger: Pick<Logger, 'info'>,
): Promise<CancellationOutcome> {
  const task = await loadAggregate(deps.store, taskStream(taskId), taskDecider);
  if (task.status === null) return { status: 'skipped', reason: 'the task does not exist' };
  if (task.status === 'RUNNING' && task.cancelRequested && task.session !== null) {
    const compute = deps.compute(task.session.computeType);
    await compute.stopSession({ computeType: compute.type, sessionId: task.session.sessionId });
    const result = await handleCommand(deps.store, taskDecider, taskStream(taskId), { type: 'ConfirmCancellation' }, context);
    await cancelDeadline(deps.scheduler, taskId);
    logger.info('session stopped; task cancelled', { taskId, sessionId: task.session.sessionId, status: result.result.status });
    return { status: 'cancelled', sessionId: task.session.sessionId };
  }
  if (task.status === 'CANCELLED') await cancelDeadline(deps.scheduler, taskId);
  return { status: 'skipped', reason: task.status === 'RUNNING' ? 'no cancellation was requested' : `the task is ${task.status}` };
}
