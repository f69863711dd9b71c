/** Onboarding a repository (the Blueprint custom resource in AWS; `bgagent repo onboard` locally). */
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import type { EventStore } from '../../kernel/event-store';
import type { RepoConfigInput } from './repo-config';
import { repoDecider } from './repo-decider';
import { repoStream } from '../../streams';

export function onboardRepo(store: EventStore, repo: string, config: RepoConfigInput, context: Omit<CommandContext, 'correlationId'>) {
  return handleCommand(store, repoDecider, repoStream(repo), { type: 'OnboardRepo', repo, config }, { ...context, correlationId: `repo:${repo}` });
}

/** Offboarding a repository (the Blueprint custom resource's delete; a no-op for a repo that is not onboarded). */
export function offboardRepo(store: EventStore, repo: string, reason: string | null, context: Omit<CommandContext, 'correlationId'>) {
  return handleCommand(store, repoDecider, repoStream(repo), { type: 'OffboardRepo', repo, reason }, { ...context, correlationId: `repo:${repo}` });
}
