/**
 * Hydration of one task (TaskAdmitted → ContextHydrated), shared by the hydration service and the
 * watchdog's re-drive. Only a HYDRATING task without a recorded context is hydrated; anything else
 * (a redelivered TaskAdmitted, a task cancelled meanwhile) is `skipped` without calling anything.
 *
 * A HydrationError that is not retryable fails the task (FailHydration → HydrationFailed +
 * TaskFailed HYDRATION_FAILED). A retryable one, and any other error, propagates: the queue
 * redelivers the message (the watchdog re-drives it later if it ends in the dead-letter queue).
 */
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import type { Logger } from '../../kernel/logger';
import type { Ports } from '../../ports/ports';
import { loadAggregate } from '../../kernel/load-aggregate';
import { taskDecider } from '../task/task-decider';
import { loadRepoConfig } from '../../repos/repo/load-repo-config';
import { taskStream } from '../../streams';
import { BasicContextSource } from './basic-context-source';
import { HydrationError, type ContextSource, type Hydrated, type HydrationInput } from './context-source';

export type HydrationOutcome =
  | { readonly status: 'hydrated'; readonly hydrated: Hydrated }
  | { readonly status: 'failed'; readonly category: HydrationError['category']; readonly reason: string }
  | { readonly status: 'skipped'; readonly reason: string };

export type HydrationDeps = Pick<Ports, 'store' | 'git' | 'blobs' | 'memory' | 'screening' | 'contextSource'>;

/**
 * The `contextSource` port when given, else the basic context source on the git provider and blob
 * store, with the `screening` port (default rule-based) and the `memory` port (optional).
 */
export function contextSourceOf(deps: HydrationDeps): ContextSource {
  if (deps.contextSource) return deps.contextSource;
  const { screening, memory } = deps;
  return new BasicContextSource({ git: deps.git, blobs: deps.blobs, ...(screening ? { screening } : {}), ...(memory ? { memory } : {}) });
}

export async function hydrateTask(
  deps: HydrationDeps,
  source: ContextSource,
  taskId: string,
  context: CommandContext,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<HydrationOutcome> {
  const task = await loadAggregate(deps.store, taskStream(taskId), taskDecider);
  if (task.status === null) return { status: 'skipped', reason: 'the task does not exist' };
  if (task.status !== 'HYDRATING') return { status: 'skipped', reason: `the task is ${task.status}` };
  if (task.hydrated) return { status: 'skipped', reason: 'the context is already hydrated' };

  const input: HydrationInput = {
    taskId,
    userId: task.userId,
    repo: task.repo,
    branchName: task.branchName,
    taskDescription: task.taskDescription,
    issueNumber: task.issueNumber,
    modelId: task.modelId,
    maxTurns: task.maxTurns,
    repoConfig: await loadRepoConfig(deps.store, task.repo),
  };

  let hydrated: Hydrated;
  try {
    hydrated = await source.hydrate(input);
  } catch (err) {
    if (!(err instanceof HydrationError) || err.retryable) throw err;
    await handleCommand(
      deps.store,
      taskDecider,
      taskStream(taskId),
      { type: 'FailHydration', category: err.category, reason: err.message, retryable: false },
      context,
    );
    logger.warn('hydration failed; the task fails', { taskId, category: err.category, reason: err.message });
    return { status: 'failed', category: err.category, reason: err.message };
  }

  await handleCommand(
    deps.store,
    taskDecider,
    taskStream(taskId),
    {
      type: 'RecordHydration',
      promptVersion: hydrated.promptVersion,
      promptRef: hydrated.promptRef,
      estimatedTokens: hydrated.estimatedTokens,
      sources: hydrated.sources,
      trimmedComments: hydrated.trimmedComments,
    },
    context,
  );
  logger.info('context hydrated', { taskId, promptVersion: hydrated.promptVersion, estimatedTokens: hydrated.estimatedTokens });
  return { status: 'hydrated', hydrated };
}
