/** The repository's config for its tasks: the defaults when it is not (or no longer) onboarded. */
import type { EventStore } from '../../kernel/event-store';
import { loadAggregate } from '../../kernel/load-aggregate';
import { repoStream } from '../../streams';
import { DEFAULT_REPO_CONFIG, type RepoConfig } from './repo-config';
import { repoConfigForTasks, repoDecider } from './repo-decider';

export async function loadRepoConfig(store: Pick<EventStore, 'readStream'>, repo: string): Promise<RepoConfig> {
  return repoConfigForTasks(await loadAggregate(store, repoStream(repo), repoDecider)) ?? DEFAULT_REPO_CONFIG;
}
