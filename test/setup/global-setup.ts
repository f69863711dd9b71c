/**
 * Jest global setup: one DynamoDB Local (in memory) for the whole run, with ALL_TABLES under the
 * prefix `test`. Workers are forked after this runs, so the env vars set here reach every test.
 * An endpoint already in DYNAMODB_ENDPOINT (e.g. `npm run dynamodb:local`) is reused instead.
 */
import { ALL_TABLES } from '../../services/tables';
import { localDynamoClient } from '../../services/adapters/aws/dynamodb-client';
import { createTables } from '../../services/kernel/create-tables';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local/launcher';

export const TEST_TABLE_PREFIX = 'test';

declare global {
  // Setup and teardown both run in jest's main process; the handle passes between them here.
  // eslint-disable-next-line no-var
  var __ABCA_DYNAMODB_LOCAL__: DynamoDbLocal | undefined;
}

/** Projects whose tests need DynamoDB (every project but `unit`). */
const NEEDS_DYNAMODB = ['integration', 'reliability'];

export default async function globalSetup(): Promise<void> {
  // The AWS SDK's Node 20 deprecation notice would otherwise be printed once per test file.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  // `jest --selectProjects unit` (npm run test:unit) touches no DynamoDB: skip the start and the Java requirement.
  const projects = selectedProjects(process.argv);
  if (projects && !projects.some((p) => NEEDS_DYNAMODB.includes(p))) return;

  let db: DynamoDbLocal | undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    // A generous readiness guard: beside two CPU hogs the JVM took 17 s to answer (the default is 30 s).
    db = await startDynamoDbLocal({ inMemory: true, readyTimeoutMs: 120_000, log: (msg) => process.stderr.write(`[dynamodb-local] ${msg}\n`) });
    globalThis.__ABCA_DYNAMODB_LOCAL__ = db;
    process.env.DYNAMODB_ENDPOINT = db.endpoint;
  }
  process.env.ABCA_TABLE_PREFIX = TEST_TABLE_PREFIX;
  const client = localDynamoClient(process.env.DYNAMODB_ENDPOINT!);
  try {
    await createTables(client, ALL_TABLES, TEST_TABLE_PREFIX);
  } catch (err) {
    // Jest skips the teardown when setup fails, so clean up here.
    globalThis.__ABCA_DYNAMODB_LOCAL__ = undefined;
    if (db) delete process.env.DYNAMODB_ENDPOINT;
    await db?.stop();
    throw err;
  } finally {
    client.destroy();
  }
}

/**
 * The names given to `--selectProjects` on jest's command line, or undefined when absent. Jest 29
 * does not pass this flag to global setup (globalConfig has no such field), and setup runs in
 * jest's own process, so its argv is the place to read it.
 */
export function selectedProjects(argv: readonly string[]): string[] | undefined {
  let names: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--selectProjects=')) {
      (names ??= []).push(arg.slice('--selectProjects='.length));
    } else if (arg === '--selectProjects') {
      names ??= [];
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) names.push(argv[++i]!);
    }
  }
  return names;
}
