/**
 * Tables of the progress view (the live side of a task: what its agent reports while it runs), fed
 * by the session monitor from the telemetry stream, not from the event store. Plain
 * TableDefinitions like ../tables.ts; `PROGRESS_TABLES` is meant to join ALL_TABLES.
 */
import type { TableDefinition } from '../../services/kernel/tables';

/**
 * One item per task (pk `taskId`): the last progress lines (by seq), the last heartbeat, turns and
 * cost so far, `lastSeq` (highest record seq folded in) and `revision` (optimistic concurrency:
 * every write is conditioned on the revision it read).
 */
export const PROGRESS_VIEW_TABLE = {
  id: 'ProgressView',
  baseName: 'progress-view',
  partitionKey: { name: 'taskId', type: 'S' },
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;

/**
 * Append-only: one item per progress record (pk `taskId`, sk `seq`), so a task's progress can be
 * paged in order (`GET /v1/tasks/{id}/events?after=...`, merged with its lifecycle events). A
 * record delivered twice writes the same item twice. Items expire (`expiresAt`, epoch seconds).
 */
export const PROGRESS_EVENTS_TABLE = {
  id: 'ProgressEvents',
  baseName: 'progress-events',
  partitionKey: { name: 'taskId', type: 'S' },
  sortKey: { name: 'seq', type: 'N' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

export const PROGRESS_TABLES: readonly TableDefinition[] = [PROGRESS_VIEW_TABLE, PROGRESS_EVENTS_TABLE];
