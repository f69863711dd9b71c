/**
 * Reads the lifecycle services share: a task's current state, and the config of its repository
 * (folded from their streams, strongly consistent). Commands still re-read through the command
 * handler; these reads decide whether there is anything to do at all (and what to ask compute or
 * the git provider) before a command is sent.
 */
import { fold } from '../../kernel/decider';
import type { FoldableEvent } from '../../kernel/envelope';
import type { EventStore } from '../../kernel/event-store';
import { DEFAULT_REPO_CONFIG, type RepoConfig } from '../../repos/repo/repo-config';
import { repoConfigForTasks, repoDecider, type RepoEventType, type RepoState } from '../../repos/repo/repo-decider';
import { taskDecider } from '../task/task-decider';
import type { TaskEventType, TaskState } from '../task/task-state';

export { taskStream, repoStream } from '../../streams';
import { taskStream, repoStream } from '../../streams';

export async function loadTask(store: EventStore, taskId: string): Promise<TaskState> {
  const events = await store.readStream(taskStream(taskId));
  return fold(taskDecider, events as unknown as FoldableEvent<TaskEventType>[]);
}

/** The repository's state: onboarded or not, and its config. */
export async function loadRepo(store: Pick<EventStore, 'readStream'>, repo: string): Promise<RepoState> {
  const events = await store.readStream(repoStream(repo));
  return fold(repoDecider, events as unknown as FoldableEvent<RepoEventType>[]);
}

/** The repository's config for its tasks; the defaults when it is not (or no longer) onboarded. */
export async function loadRepoConfig(store: EventStore, repo: string): Promise<RepoConfig> {
  return repoConfigForTasks(await loadRepo(store, repo)) ?? DEFAULT_REPO_CONFIG;
}
