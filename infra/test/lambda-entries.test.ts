/**
 * Every function's entry file exists, exports `handler`, and starts with the environment the stack
 * gives it: the synthesized environment (references replaced by stand-in values) is handed to the
 * module, which builds its dependencies from it as it would in Lambda. So a variable the stack
 * forgets, or one a handler starts to need, fails here and not on the first invocation.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { CATALOG, lambdaFunctionsOf } from '../../services/catalog';
import { apiDepsFromEnv, storeFromEnv } from '../../services/cloud/deps-from-env';
import { createAuthorizer } from '../../services/api/authorizer';
import { entryOf, isPlatformFunction, REPO_ROOT } from '../constructs/platform-function';
import { standInEnvironment, synthPlatform } from './platform';

const { stack } = synthPlatform({ blueprints: [{ repo: 'acme/app' }] });
const functions = stack.node.findAll().filter(isPlatformFunction);

const environmentOf = (fn: lambda.Function) => standInEnvironment(stack, fn);

function withEnv<T>(env: Record<string, string>, run: () => T): T {
  const saved = process.env;
  process.env = { ...saved, AWS_REGION: 'us-east-1', ...env };
  try {
    return run();
  } finally {
    process.env = saved;
  }
}

test('every catalog entry names entry files the stack bundles', () => {
  const entries = functions.map(entryOf);
  for (const fn of CATALOG.flatMap(lambdaFunctionsOf)) expect(entries).toContain(fn.lambdaEntry);
});

test.each(functions.map((fn) => [entryOf(fn)!, fn] as const))('%s exists, exports handler, and loads with its stack environment', (entry, fn) => {
  expect(existsSync(path.join(REPO_ROOT, entry))).toBe(true);
  const env = environmentOf(fn);
  withEnv(env, () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(REPO_ROOT, entry)) as { handler?: unknown };
      expect(typeof mod.handler).toBe('function');
    });
  });
});

test('the handlers that build their dependencies on first use accept their stack environment too', async () => {
  const envOf = (entry: string) => environmentOf(functions.find((fn) => entryOf(fn) === entry)!);
  expect(() => createAuthorizer(envOf('services/api/authorizer.ts'))).not.toThrow();
  expect(() => storeFromEnv(envOf('services/repos/repo/blueprint-handler.ts'), 'the Blueprint custom resource')).not.toThrow();
  await expect(apiDepsFromEnv(envOf('services/api/handler.ts'), { secrets: async () => 'k'.repeat(48) })).resolves.toMatchObject({ admins: expect.any(Set) });
});
