/** Jest: one config, two projects. `unit` tests are pure (no DynamoDB); `integration` tests
 * share one DynamoDB Local started by the global setup. esbuild transforms TypeScript fast;
 * type checking is `npm run typecheck` (run first by `npm test`). */
const transform = { '^.+\\.tsx?$': '<rootDir>/test/setup/esbuild-transform.js', '^.+\\.m?js$': '<rootDir>/test/setup/esbuild-transform.js' };
// ESM-only packages (octokit and its dependencies) are converted to CommonJS by the same transform;
// everything else under node_modules is loaded as is.
const ESM_PACKAGES = ['@octokit', 'universal-user-agent', 'before-after-hook', 'bottleneck', 'content-type', 'fast-content-type-parse', 'json-with-bigint', 'toad-cache'];
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`];
const common = { testEnvironment: 'node', transform, transformIgnorePatterns, moduleFileExtensions: ['ts', 'js', 'json'], setupFiles: ['<rootDir>/test/setup/env.ts'] };
module.exports = {
  // A guard against a hang, not a performance budget (a global option, not a project one): on a
  // loaded machine (CI, two CPU hogs beside the suite) a test that waits for its conditions may take
  // many times its quiet time.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', '\\.rel\\.test\\.ts$'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/**/*.int.test.ts'], testPathIgnorePatterns: ['/node_modules/'] },
    // The platform under duplicates, load and crashes (npm run test:reliability; part of npm test).
    { ...common, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.rel.test.ts'], testPathIgnorePatterns: ['/node_modules/'] },
  ],
};
