/**
 * Finalization of one task (SessionEnded → TaskCompleted / TaskFailed), shared by the finalizer
 * service and the watchdog's re-drive of a task stuck in FINALIZING. The git provider is asked what
 * is on the task's branch (its pull request, commits ahead of the default branch) and the Task
 * decider infers the result from that and the agent's report (docs/ARCHITECTURE.md "Task lifecycle"). GitProvider errors
 * propagate: the message is retried. The session is over, so its deadline schedule is cancelled.
 */
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import type { Logger } from '../../kernel/logger';
import type { Ports } from '../../ports/ports';
import { cancelDeadline } from '../session/deadline';
import { loadAggregate } from '../../kernel/load-aggregate';
import { taskDecider } from '../task/task-decider';
import { taskStream } from '../../streams';
import { isTerminal, type TaskStatus } from '../task/task-state';

export type FinalizeOutcome =
  | { readonly status: 'finalized'; readonly result: TaskStatus }
  | { readonly status: 'skipped'; readonly reason: string };

export type FinalizerDeps = Pick<Ports, 'store' | 'git' | 'scheduler'>;

export async function finalizeTask(deps: FinalizerDeps, taskId: string, context: CommandContext, logger: Pick<Logger, 'info'>): Promise<FinalizeOutcome> {
  const task = await loadAggregate(deps.store, taskStream(taskId), taskDecider);
  if (task.status === null) return { status: 'skipped', reason: 'the task does not exist' };
  if (task.status !== 'FINALIZING') {
    if (isTerminal(task.status)) await cancelDeadline(deps.scheduler, taskId);
    return { status: 'skipped', reason: `the task is ${task.status}` };
  }
  const pullRequest = await deps.git.findPullRequest(task.repo, task.branchName);
  const commitsOnBranch = await deps.git.countCommitsAhead(task.repo, task.branchName);
  const result = await handleCommand(
    deps.store,
    taskDecider,
    taskStream(taskId),
    { type: 'FinalizeTask', prUrl: pullRequest?.url ?? null, prNumber: pullRequest?.number ?? null, commitsOnBranch },
    context,
  );
  await cancelDeadline(deps.scheduler, taskId);
  const status = result.result.status ?? 'FINALIZING';
  logger.info('task finalized', { taskId, result: status, prUrl: pullRequest?.url ?? null, commitsOnBranch });
  return { status: 'finalized', result: status };
}
