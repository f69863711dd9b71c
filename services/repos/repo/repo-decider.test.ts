import { deciderSpec, type GivenEvent } from '../../kernel/testing/given-when-then';
import { DEFAULT_REPO_CONFIG, withDefaults } from './repo-config';
import { repoConfigForTasks, repoDecider, type RepoEventType } from './repo-decider';

const { given } = deciderSpec(repoDecider);
const REPO = 'octo/widgets';
const CONFIG = withDefaults({ maxTurns: 50, verify: { test: ['npm test'] } });
const OTHER = withDefaults({ maxTurns: 60 });

const onboarded = (config = CONFIG): GivenEvent<RepoEventType> => ({ type: 'RepoOnboarded', data: { repo: REPO, config } });
const updated = (config = OTHER): GivenEvent<RepoEventType> => ({ type: 'RepoConfigUpdated', data: { repo: REPO, config } });
const offboarded: GivenEvent<RepoEventType> = { type: 'RepoOffboarded', data: { repo: REPO, reason: 'archived' } };

describe('OnboardRepo', () => {
  it('onboards a new repository with a complete config', () => {
    given([]).when({ type: 'OnboardRepo', repo: REPO, config: { maxTurns: 50, verify: { test: ['npm test'] } } }).then([onboarded()]);
    given([]).when({ type: 'OnboardRepo', repo: REPO, config: {} }).then([onboarded(DEFAULT_REPO_CONFIG)]);
  });

  it('converges: the same config again changes nothing, whether given partial or complete', () => {
    given([onboarded()]).when({ type: 'OnboardRepo', repo: REPO, config: { maxTurns: 50, verify: { test: ['npm test'] } } }).thenNothing();
    given([onboarded()]).when({ type: 'OnboardRepo', repo: REPO, config: CONFIG }).thenNothing();
    given([onboarded(), updated()]).when({ type: 'OnboardRepo', repo: REPO, config: OTHER }).thenNothing();
  });

  it('compares configs whatever their key order (as read back from JSON)', () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(CONFIG).reverse())));
    expect(Object.keys(reordered)[0]).toBe('session');
    given([onboarded(reordered)]).when({ type: 'OnboardRepo', repo: REPO, config: CONFIG }).thenNothing();
  });

  it('records a different config as an update', () => {
    given([onboarded()]).when({ type: 'OnboardRepo', repo: REPO, config: OTHER }).then([updated()]);
  });

  it('onboards an offboarded repository again', () => {
    given([onboarded(), offboarded]).when({ type: 'OnboardRepo', repo: REPO, config: CONFIG }).then([onboarded()]);
  });

  it('refuses an invalid config, naming every bad field', () => {
    const err = given([])
      .when({ type: 'OnboardRepo', repo: REPO, config: { maxTurns: 0, memoryTokenBudget: -1 } })
      .thenThrows('VALIDATION_ERROR', `Invalid configuration for repository ${REPO}:`);
    expect(err.message).toMatch(/config\.maxTurns must be >= 1/);
    expect(err.message).toMatch(/config\.memoryTokenBudget must be >= 0/);
  });

  it('refuses unknown settings (typos) rather than ignoring them', () => {
    const config = { maxTurn: 10 } as unknown as Record<string, never>;
    given([]).when({ type: 'OnboardRepo', repo: REPO, config }).thenThrows('VALIDATION_ERROR', /config\.maxTurn is not a RepoConfig setting/);
  });

  it('refuses a bad repository name', () => {
    given([]).when({ type: 'OnboardRepo', repo: 'widgets', config: {} }).thenThrows('VALIDATION_ERROR', /repo must match pattern/);
  });
});

describe('UpdateRepoConfig', () => {
  it('updates an onboarded repository', () => {
    given([onboarded()]).when({ type: 'UpdateRepoConfig', repo: REPO, config: OTHER }).then([updated()]);
  });

  it('does nothing when the config is the same', () => {
    given([onboarded()]).when({ type: 'UpdateRepoConfig', repo: REPO, config: CONFIG }).thenNothing();
  });

  it('refuses a repository that is not onboarded, and says how to onboard it', () => {
    given([])
      .when({ type: 'UpdateRepoConfig', repo: REPO, config: OTHER })
      .thenThrows('REPO_NOT_ONBOARDED', `Repository ${REPO} is not onboarded; onboard it with \`bgagent repo onboard ${REPO}\``);
    given([onboarded(), offboarded]).when({ type: 'UpdateRepoConfig', repo: REPO, config: OTHER }).thenThrows('REPO_NOT_ONBOARDED', /was offboarded/);
  });

  it('refuses an invalid config', () => {
    given([onboarded()]).when({ type: 'UpdateRepoConfig', repo: REPO, config: { computeType: 'lambda' as never } }).thenThrows('VALIDATION_ERROR', /computeType/);
  });
});

describe('OffboardRepo', () => {
  it('offboards an onboarded repository', () => {
    given([onboarded()]).when({ type: 'OffboardRepo', repo: REPO, reason: 'archived' }).then([offboarded]);
  });

  it('does nothing for a repository that is not onboarded', () => {
    given([]).when({ type: 'OffboardRepo', repo: REPO, reason: null }).thenNothing();
    given([onboarded(), offboarded]).when({ type: 'OffboardRepo', repo: REPO, reason: null }).thenNothing();
  });

  it('refuses an over-long reason', () => {
    given([onboarded()]).when({ type: 'OffboardRepo', repo: REPO, reason: 'x'.repeat(1001) }).thenThrows('VALIDATION_ERROR', /1000/);
  });
});

describe('state and repoConfigForTasks', () => {
  it('gives tasks the current config only while the repository is onboarded', () => {
    expect(repoConfigForTasks(given([]).state())).toBeNull();
    expect(repoConfigForTasks(given([onboarded()]).state())).toEqual(CONFIG);
    expect(repoConfigForTasks(given([onboarded(), updated()]).state())).toEqual(OTHER);
    expect(repoConfigForTasks(given([onboarded(), offboarded]).state())).toBeNull();
    expect(repoConfigForTasks(given([onboarded(), offboarded, onboarded(OTHER)]).state())).toEqual(OTHER);
  });

  it('folds status, repo and times', () => {
    expect(given([onboarded(), updated(), offboarded]).state()).toEqual({
      status: 'OFFBOARDED',
      repo: REPO,
      config: OTHER,
      onboardedAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:02.000Z',
    });
  });
});
