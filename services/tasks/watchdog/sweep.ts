/**
 * The periodic sweep: walks the tasks of every non-terminal status through the task view (the
 * worklist: oldest update first), folds each task's stream (the truth: the view may lag) and applies
 * the policy of its current status (policies.ts); then, for every user with queued tasks (from the
 * concurrency view and from the QUEUED tasks), releases stale slots and expires the queue.
 *
 * Idempotent: every action is decided on the current state and every command is idempotent, so
 * running a sweep again right after records nothing new. One task's failure does not stop the sweep
 * (it is logged and retried at the next sweep).
 */
import { loadAggregate } from '../../kernel/load-aggregate';
import { taskDecider } from '../task/task-decider';
import { taskStream } from '../../streams';
import type { ActiveStatus } from '../task/task-state';
import { errorMessage, type WatchdogAction, type WatchdogContext } from './actions';
import type { WatchdogConfig } from './config';
import { checkFinalizing, checkHydrating, checkRunning, checkSubmitted, checkUserQueue } from './policies';

export interface SweepReport {
  readonly startedAt: string;
  /** Tasks whose stream was folded. */
  readonly examined: number;
  readonly actions: readonly WatchdogAction[];
  /** Tasks or users that could not be examined (logged; retried next sweep). */
  readonly errors: ReadonlyArray<{ readonly id: string; readonly error: string }>;
  /** True when the sweep stopped early (maxSweepMs or maxTasksPerStatus reached). */
  readonly truncated: boolean;
}

const SWEPT_STATUSES: readonly ActiveStatus[] = ['SUBMITTED', 'QUEUED', 'HYDRATING', 'RUNNING', 'FINALIZING'];

export async function sweep(ctx: WatchdogContext, config: WatchdogConfig): Promise<SweepReport> {
  const started = Date.now();
  const { taskViews, concurrencyViews } = ctx.deps;
  const actions: WatchdogAction[] = [];
  const errors: Array<{ id: string; error: string }> = [];
  const seen = new Set<string>();
  const queuedUsers = new Set<string>();
  const runningIds = new Set<string>();
  let examined = 0;
  let truncated = false;
  const outOfTime = () => Date.now() - started > config.maxSweepMs;

  if (!taskViews) ctx.logger.warn('no taskViews port: the per-state policies are skipped');
  for (const status of taskViews ? SWEPT_STATUSES : []) {
    let cursor: string | undefined;
    let count = 0;
    do {
      if (outOfTime() || count >= config.maxTasksPerStatus) {
        truncated = true;
        break;
      }
      const page = await taskViews!.listByStatus(status, { limit: Math.min(config.pageSize, config.maxTasksPerStatus - count), ...(cursor ? { cursor } : {}) });
      for (const view of page.items) {
        count += 1;
        if (seen.has(view.taskId)) continue;
        if (outOfTime()) {
          truncated = true;
          continue;
        }
        seen.add(view.taskId);
        try {
          const task = await loadAggregate(ctx.deps.store, taskStream(view.taskId), taskDecider);
          examined += 1;
          if (task.status === null) continue;
          switch (task.status) {
            case 'SUBMITTED':
              actions.push(...(await checkSubmitted(ctx, config, task)));
              break;
            case 'QUEUED':
              queuedUsers.add(task.userId);
              break;
            case 'HYDRATING':
              actions.push(...(await checkHydrating(ctx, config, task)));
              break;
            case 'RUNNING':
              runningIds.add(task.taskId);
              actions.push(...(await checkRunning(ctx, config, task)));
              break;
            case 'FINALIZING':
              actions.push(...(await checkFinalizing(ctx, config, task)));
              break;
            default:
              break; // ended since the view was written
          }
        } catch (err) {
          errors.push({ id: view.taskId, error: errorMessage(err) });
          ctx.logger.error('watchdog could not examine the task', { taskId: view.taskId, error: errorMessage(err) });
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
  }

  // Forget sessions seen gone for tasks that are no longer RUNNING.
  if (ctx.notRunningSince && !truncated) {
    for (const taskId of ctx.notRunningSince.keys()) if (!runningIds.has(taskId)) ctx.notRunningSince.delete(taskId);
  }

  if (concurrencyViews) {
    let cursor: string | undefined;
    do {
      const page = await concurrencyViews.listWithQueue({ limit: config.pageSize, ...(cursor ? { cursor } : {}) });
      for (const view of page.items) queuedUsers.add(view.userId);
      cursor = page.nextCursor;
    } while (cursor && !outOfTime());
  }
  for (const userId of queuedUsers) {
    if (outOfTime()) {
      truncated = true;
      break;
    }
    try {
      actions.push(...(await checkUserQueue(ctx, config, userId)));
    } catch (err) {
      errors.push({ id: `user:${userId}`, error: errorMessage(err) });
      ctx.logger.error('watchdog could not examine the user\'s queue', { userId, error: errorMessage(err) });
    }
  }

  const report: SweepReport = { startedAt: ctx.now.toISOString(), examined, actions, errors, truncated };
  ctx.logger.info('watchdog sweep done', {
    examined,
    actions: actions.length,
    failedActions: actions.filter((a) => a.result === 'error').length,
    errors: errors.length,
    truncated,
    durationMs: Date.now() - started,
  });
  return report;
}
