/** Jest: one config, two projects. `unit` tests are pure (no DynamoDB); `integration` tests
 * share one DynamoDB Local started by the global setup. esbuild transforms TypeScript fast;
 * type checking is `npm run typecheck` (run first by `npm test`). */
const transform = { '^.+\\.tsx?$': '<rootDir>/test/setup/esbuild-transform.js' };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'], setupFiles: ['<rootDir>/test/setup/env.ts'] };
module.exports = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', '\\.rel\\.test\\.ts$'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/**/*.int.test.ts'], testPathIgnorePatterns: ['/node_modules/'] },
    // The platform under duplicates, load and crashes (npm run test:reliability; part of npm test).
    { ...common, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.rel.test.ts'], testPathIgnorePatterns: ['/node_modules/'] },
  ],
};
