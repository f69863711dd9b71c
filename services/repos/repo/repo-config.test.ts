import fc from 'fast-check';
import { DEFAULT_REPO_CONFIG, jsonEqual, repoConfigIssues, unknownConfigKeys, withDefaults } from './repo-config';

describe('DEFAULT_REPO_CONFIG / withDefaults', () => {
  it('has the documented defaults, and is valid', () => {
    expect(DEFAULT_REPO_CONFIG).toEqual({
      computeType: 'local',
      modelId: 'anthropic.claude-sonnet-4-5',
      maxTurns: 100,
      maxBudgetUsd: null,
      memoryTokenBudget: 2000,
      systemPromptOverrides: { prepend: null, append: null },
      verify: { build: [], test: [], lint: [], gating: 'regression_only' },
      triggerLabel: 'bgagent',
      session: { maxDurationMinutes: 480, heartbeatTimeoutSeconds: 1800 },
    });
    expect(repoConfigIssues('o/n', DEFAULT_REPO_CONFIG)).toEqual([]);
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(DEFAULT_REPO_CONFIG.verify.build)).toBe(true);
    expect(Object.isFrozen(DEFAULT_REPO_CONFIG.session)).toBe(true);
  });

  it('fills in what is missing, at every level', () => {
    expect(withDefaults()).toEqual(DEFAULT_REPO_CONFIG);
    expect(withDefaults({})).toEqual(DEFAULT_REPO_CONFIG);
    const config = withDefaults({
      computeType: 'agentcore',
      maxBudgetUsd: 2.5,
      systemPromptOverrides: { append: 'Use pnpm.' },
      verify: { test: ['npm test'] },
      session: { maxDurationMinutes: 60 },
    });
    expect(config).toEqual({
      ...DEFAULT_REPO_CONFIG,
      computeType: 'agentcore',
      maxBudgetUsd: 2.5,
      systemPromptOverrides: { prepend: null, append: 'Use pnpm.' },
      verify: { build: [], test: ['npm test'], lint: [], gating: 'regression_only' },
      session: { maxDurationMinutes: 60, heartbeatTimeoutSeconds: 1800 },
    });
  });

  it('keeps an explicit null where the schema allows it', () => {
    expect(withDefaults({ maxBudgetUsd: null, systemPromptOverrides: { prepend: null } }).maxBudgetUsd).toBeNull();
  });

  it('returns fresh arrays (never the frozen defaults, never the caller\'s)', () => {
    const build = ['make'];
    const config = withDefaults({ verify: { build } });
    expect(config.verify.build).not.toBe(build);
    expect(config.verify.test).not.toBe(DEFAULT_REPO_CONFIG.verify.test);
    expect(Object.isFrozen(config.verify.test)).toBe(false);
  });

  it('is idempotent: withDefaults(withDefaults(x)) equals withDefaults(x)', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            computeType: fc.constantFrom('local', 'agentcore', 'ecs'),
            maxTurns: fc.integer({ min: 1, max: 500 }),
            maxBudgetUsd: fc.option(fc.constantFrom(0.5, 10), { nil: null }),
            verify: fc.record({ build: fc.array(fc.constantFrom('make', 'npm run build'), { maxLength: 3 }) }, { requiredKeys: [] }),
            session: fc.record({ heartbeatTimeoutSeconds: fc.integer({ min: 60, max: 3600 }) }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const once = withDefaults(input);
          expect(withDefaults(once)).toEqual(once);
          expect(repoConfigIssues('o/n', once)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('unknownConfigKeys', () => {
  it('names keys RepoConfig does not have (typos)', () => {
    expect(unknownConfigKeys({ maxTurn: 3, verify: { tests: [] }, session: { maxDurationMinutes: 1 } })).toEqual(['config.maxTurn', 'config.verify.tests']);
    expect(unknownConfigKeys(DEFAULT_REPO_CONFIG)).toEqual([]);
    expect(unknownConfigKeys(null)).toEqual([]);
  });
});

describe('repoConfigIssues', () => {
  it('names the bad fields', () => {
    const issues = repoConfigIssues('o/n', { ...DEFAULT_REPO_CONFIG, maxTurns: 501, session: { maxDurationMinutes: 60, heartbeatTimeoutSeconds: 5 } });
    expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(/^config\.maxTurns must be <= 500/), expect.stringMatching(/^config\.session\.heartbeatTimeoutSeconds/)]));
    expect(repoConfigIssues('not-a-repo', DEFAULT_REPO_CONFIG)).toEqual([expect.stringMatching(/^repo must match pattern/)]);
  });
});

describe('jsonEqual', () => {
  it('compares JSON values structurally, key order aside', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: [] }, { a: {} })).toBe(false);
    expect(jsonEqual({ a: null }, {})).toBe(false);
    expect(jsonEqual({ a: undefined }, {})).toBe(true);
  });
});
