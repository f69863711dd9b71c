/**
 * `npm run rebuild:views -- [options]`: rebuilds the read views from the event store (rebuild.ts).
 * Safe while the platform runs (a rebuild never moves a view backwards) and safe to run again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { localDynamoClient } from '../services/adapters/aws/dynamodb-client';
import { createTables } from '../services/kernel/create-tables';
import { DynamoDbEventStore } from '../services/kernel/dynamodb-event-store';
import { EVENTS_TABLE, tableName, type TableDefinition } from '../services/kernel/tables';
import { concurrencyViewProjection } from './concurrency-view/concurrency-view-projection';
import { apiKeyViewProjection, CREDENTIALS_VIEW_PROJECTION_NAME, webhookViewProjection } from './credentials-view/credentials-view-projection';
import { DynamoDbCredentialsViewStore } from './credentials-view/dynamodb-credentials-view-store';
import { DynamoDbConcurrencyViewStore } from './concurrency-view/dynamodb-concurrency-view-store';
import { rebuildProjection, type RebuildProgress, type RebuildReport } from './rebuild';
import { CONCURRENCY_VIEW_TABLE, CREDENTIALS_VIEW_TABLE, TASK_VIEW_TABLE } from './tables';
import { DynamoDbTaskViewStore } from './task-view/dynamodb-task-view-store';
import { taskViewProjection } from './task-view/task-view-projection';

export const USAGE = `Usage: npm run rebuild:views -- [options]

Folds every stream of the event store into the read views and writes them (a view that a live
update moved further along meanwhile is left as it is). Prints progress and a summary; exits 1
if any stream failed.

  --view NAME          task-view, concurrency-view, credentials-view or all (default: all)
  --endpoint URL       DynamoDB endpoint, e.g. DynamoDB Local (default: $DYNAMODB_ENDPOINT, else
                       AWS with the default credentials and region)
  --prefix P           table-name prefix of the event store and the views (default:
                       $ABCA_TABLE_PREFIX, else "abca"; "" for none)
  --view-prefix P      write the views under another prefix (default: --prefix), e.g. to rebuild
                       into fresh tables and switch readers afterwards
  --create-tables      create the view tables first if they do not exist
  --progress-every N   print progress every N streams (default 100)
  --concurrency N      streams rebuilt at the same time (default 8)
  --help               show this help`;

interface ViewEntry {
  readonly table: TableDefinition;
  readonly rebuild: (args: {
    client: DynamoDBClient;
    events: DynamoDbEventStore;
    tableName: string;
    concurrency: number;
    progressEvery: number;
    onProgress: (p: RebuildProgress) => void;
  }) => Promise<RebuildReport>;
}

/** The views this CLI rebuilds, by projection name. */
export const REBUILDABLE_VIEWS: Readonly<Record<string, ViewEntry>> = {
  [taskViewProjection.name]: {
    table: TASK_VIEW_TABLE,
    rebuild: ({ client, tableName: name, ...rest }) =>
      rebuildProjection({ projection: taskViewProjection, views: new DynamoDbTaskViewStore({ client, tableName: name }), ...rest }),
  },
  [concurrencyViewProjection.name]: {
    table: CONCURRENCY_VIEW_TABLE,
    rebuild: ({ client, tableName: name, ...rest }) =>
      rebuildProjection({ projection: concurrencyViewProjection, views: new DynamoDbConcurrencyViewStore({ client, tableName: name }), ...rest }),
  },
  // One table, two stream types (ApiKey, Webhook): both projections, one report.
  [CREDENTIALS_VIEW_PROJECTION_NAME]: {
    table: CREDENTIALS_VIEW_TABLE,
    rebuild: async ({ client, tableName: name, ...rest }) => {
      const views = new DynamoDbCredentialsViewStore({ client, tableName: name });
      const keys = await rebuildProjection({ projection: apiKeyViewProjection, views: views.forKind('api_key'), ...rest });
      const webhooks = await rebuildProjection({ projection: webhookViewProjection, views: views.forKind('webhook'), ...rest });
      return combinedReport(CREDENTIALS_VIEW_PROJECTION_NAME, [keys, webhooks]);
    },
  },
};

/** Reports of several projections that write one view, as one. */
export function combinedReport(projection: string, reports: readonly RebuildReport[]): RebuildReport {
  const sum = (pick: (r: RebuildReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  return {
    projection,
    streams: sum((r) => r.streams),
    written: sum((r) => r.written),
    events: sum((r) => r.events),
    elapsedMs: sum((r) => r.elapsedMs),
    stale: sum((r) => r.stale),
    empty: sum((r) => r.empty),
    failed: reports.flatMap((r) => r.failed),
  };
}

export interface CliIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1 (got ${JSON.stringify(value)})`);
  return n;
}

/** Runs the CLI; returns the exit code. */
export async function runRebuildCli(argv: readonly string[], io: CliIo = { log: console.log, error: console.error }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        view: { type: 'string' },
        endpoint: { type: 'string' },
        prefix: { type: 'string' },
        'view-prefix': { type: 'string' },
        'create-tables': { type: 'boolean' },
        'progress-every': { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.log(USAGE);
    return 0;
  }
  const viewName = values.view ?? 'all';
  const names = viewName === 'all' ? Object.keys(REBUILDABLE_VIEWS) : [viewName];
  const unknown = names.filter((n) => !(n in REBUILDABLE_VIEWS));
  if (unknown.length > 0) {
    io.error(`unknown view ${JSON.stringify(unknown[0])}: choose ${Object.keys(REBUILDABLE_VIEWS).join(', ')} or all`);
    return 2;
  }
  let progressEvery: number;
  let concurrency: number;
  try {
    progressEvery = positiveInt('progress-every', values['progress-every'], 100);
    concurrency = positiveInt('concurrency', values.concurrency, 8);
  } catch (err) {
    io.error((err as Error).message);
    return 2;
  }

  const endpoint = values.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  const prefix = values.prefix;
  const viewPrefix = values['view-prefix'] ?? prefix;
  const client = endpoint ? localDynamoClient(endpoint) : new DynamoDBClient({});
  try {
    const events = new DynamoDbEventStore({ client, tableName: tableName(EVENTS_TABLE, prefix) });
    let failures = 0;
    for (const name of names) {
      const entry = REBUILDABLE_VIEWS[name]!;
      const target = tableName(entry.table, viewPrefix);
      if (values['create-tables']) await createTables(client, [entry.table], viewPrefix);
      io.log(`${name}: rebuilding ${target} from ${tableName(EVENTS_TABLE, prefix)}${endpoint ? ` at ${endpoint}` : ''}`);
      const report = await entry.rebuild({
        client,
        events,
        tableName: target,
        concurrency,
        progressEvery,
        onProgress: (p) => io.log(`${name}: ${p.streams} streams, ${p.written} written, ${p.events} events, ${(p.elapsedMs / 1000).toFixed(1)} s`),
      });
      io.log(
        `${name}: done — ${report.streams} streams, ${report.written} written, ${report.stale} left to live updates, ${report.empty} without a view, ${report.failed.length} failed, ${report.events} events in ${(report.elapsedMs / 1000).toFixed(1)} s`,
      );
      for (const f of report.failed) io.error(`${name}: ${f.id}: ${f.error}`);
      failures += report.failed.length;
    }
    return failures > 0 ? 1 : 0;
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  runRebuildCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
