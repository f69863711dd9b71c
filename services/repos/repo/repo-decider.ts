/**
 * The Repo aggregate (stream `Repo#<owner>/<name>`): onboarding and the repository's RepoConfig.
 * Onboarding is declarative: applying the same config again changes nothing, applying another one
 * records the change, so re-running `bgagent repo onboard` (or a deploy of the Blueprint) converges.
 */
import { assertNever, type CommandEvents, type Decider } from '../../kernel/decider';
import type { DomainEvent, FoldableEvent } from '../../kernel/envelope';
import { DomainError } from '../../kernel/errors';
import {
  repoConfigIssues,
  sameRepoConfig,
  unknownConfigKeys,
  withDefaults,
  type RepoConfig,
  type RepoConfigInput,
} from './repo-config';

export type RepoEventType = 'RepoOnboarded' | 'RepoConfigUpdated' | 'RepoOffboarded';
type RepoEvent = DomainEvent<RepoEventType>;

// ── commands ────────────────────────────────────────────────────────────────────────────────────

/** Onboard a repository, or converge an onboarded one to this config. `config` may be partial. */
interface OnboardRepo {
  readonly type: 'OnboardRepo';
  readonly repo: string;
  readonly config: RepoConfigInput;
}

/** Replace the config of an onboarded repository. `config` may be partial (defaults fill the rest). */
interface UpdateRepoConfig {
  readonly type: 'UpdateRepoConfig';
  readonly repo: string;
  readonly config: RepoConfigInput;
}

interface OffboardRepo {
  readonly type: 'OffboardRepo';
  readonly repo: string;
  readonly reason: string | null;
}

export type RepoCommand = OnboardRepo | UpdateRepoConfig | OffboardRepo;

// ── state ───────────────────────────────────────────────────────────────────────────────────────

type RepoStatus = 'NEW' | 'ONBOARDED' | 'OFFBOARDED';

export interface RepoState {
  readonly status: RepoStatus;
  readonly repo: string | null;
  /** The current config (the last one, once offboarded). */
  readonly config: RepoConfig | null;
  readonly onboardedAt: string | null;
  readonly updatedAt: string | null;
}

const initialRepoState = (): RepoState => ({
  status: 'NEW',
  repo: null,
  config: null,
  onboardedAt: null,
  updatedAt: null,
});

function evolveRepo(state: RepoState, event: FoldableEvent<RepoEventType>): RepoState {
  switch (event.type) {
    case 'RepoOnboarded':
      return {
        status: 'ONBOARDED',
        repo: event.data.repo,
        config: event.data.config,
        onboardedAt: event.occurredAt,
        updatedAt: event.occurredAt,
      };
    case 'RepoConfigUpdated':
      return { ...state, repo: event.data.repo, config: event.data.config, updatedAt: event.occurredAt };
    case 'RepoOffboarded':
      return { ...state, status: 'OFFBOARDED', updatedAt: event.occurredAt };
    default:
      return assertNever(event, 'Repo event');
  }
}

/** The RepoConfig that SubmitTask needs: null unless the repository is onboarded. */
export function repoConfigForTasks(state: RepoState): RepoConfig | null {
  return state.status === 'ONBOARDED' ? state.config : null;
}

// ── decide ──────────────────────────────────────────────────────────────────────────────────────

function completeConfig(repo: string, input: RepoConfigInput): RepoConfig {
  const unknown = unknownConfigKeys(input);
  const config = withDefaults(input);
  const issues = [...unknown.map((k) => `${k} is not a RepoConfig setting`), ...repoConfigIssues(repo, config)];
  if (issues.length > 0) {
    throw new DomainError('VALIDATION_ERROR', `Invalid configuration for repository ${repo}: ${issues.join('; ')}.`, {
      repo,
      issues,
    });
  }
  return config;
}

function decideRepo(command: RepoCommand, state: RepoState): RepoEvent[] {
  switch (command.type) {
    case 'OnboardRepo': {
      const config = completeConfig(command.repo, command.config);
      if (state.status !== 'ONBOARDED') return [{ type: 'RepoOnboarded', data: { repo: command.repo, config } }];
      if (state.config !== null && sameRepoConfig(state.config, config)) return [];
      return [{ type: 'RepoConfigUpdated', data: { repo: command.repo, config } }];
    }
    case 'UpdateRepoConfig': {
      if (state.status !== 'ONBOARDED') {
        throw new DomainError(
          'REPO_NOT_ONBOARDED',
          `Repository ${command.repo} is not onboarded${state.status === 'OFFBOARDED' ? ' (it was offboarded)' : ''}; onboard it with \`bgagent repo onboard ${command.repo}\` before changing its configuration.`,
          { repo: command.repo },
        );
      }
      const config = completeConfig(command.repo, command.config);
      if (state.config !== null && sameRepoConfig(state.config, config)) return [];
      return [{ type: 'RepoConfigUpdated', data: { repo: command.repo, config } }];
    }
    case 'OffboardRepo': {
      if (state.status !== 'ONBOARDED') return [];
      if (command.reason !== null && command.reason.length > 1000) {
        throw new DomainError('VALIDATION_ERROR', `The offboarding reason is ${command.reason.length} characters long; keep it to 1000.`, {
          field: 'reason',
        });
      }
      return [{ type: 'RepoOffboarded', data: { repo: command.repo, reason: command.reason } }];
    }
    default:
      return assertNever(command, 'Repo command');
  }
}

/** What each Repo command can emit (the decider tests check that decide keeps to it). */
const REPO_COMMAND_EVENTS = {
  OnboardRepo: ['RepoOnboarded', 'RepoConfigUpdated'],
  UpdateRepoConfig: ['RepoConfigUpdated'],
  OffboardRepo: ['RepoOffboarded'],
} as const satisfies CommandEvents<RepoCommand, RepoEventType>;

export const repoDecider: Decider<RepoCommand, RepoState, RepoEventType> = {
  initialState: initialRepoState,
  evolve: evolveRepo,
  decide: decideRepo,
  commandEvents: REPO_COMMAND_EVENTS,
};
