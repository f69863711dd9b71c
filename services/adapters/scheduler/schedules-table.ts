/**
 * The schedules table of the Scheduler port on one machine (local/scheduler/local-scheduler.ts, the
 * stand-in for EventBridge Scheduler): one item per named one-time schedule. The sparse `due` index
 * (every item has `bucket = "due"` and `dueAt` in epoch milliseconds) lets the tick loop ask for
 * "everything due by now" with one Query. A table definition is product data (it joins ALL_TABLES in
 * services/tables.ts, beside the adapter for AWS in ./eventbridge-scheduler.ts), so it lives here and
 * not in local/; `localOnly` keeps it out of the CDK app. Tests create it with
 * `createIsolatedTables([SCHEDULES_TABLE])`.
 */
import type { TableDefinition } from '../../kernel/tables';

export const SCHEDULES_TABLE = {
  id: 'Schedules',
  baseName: 'schedules',
  partitionKey: { name: 'name', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'due',
      partitionKey: { name: 'bucket', type: 'S' },
      sortKey: { name: 'dueAt', type: 'N' },
      projection: { type: 'ALL' },
    },
  ],
  // EventBridge Scheduler keeps the schedules in AWS (services/adapters/scheduler/eventbridge-scheduler.ts).
  localOnly: true,
} as const satisfies TableDefinition;

/** Attribute names of a schedule item. */
export const SCHEDULE_ITEM = {
  name: 'name',
  bucket: 'bucket',
  /** Epoch milliseconds. */
  dueAt: 'dueAt',
  /** The event to put on the bus, as JSON: { source, detailType, detail }. */
  event: 'event',
  /** A fresh id per scheduleOnce: the tick deletes only the version it fired (a re-schedule survives). */
  version: 'version',
  createdAt: 'createdAt',
} as const;

/** The constant partition of the `due` index. */
export const DUE_BUCKET = 'due';
