/**
 * The progress stores, as the ports (services/ports/ports.ts)
 *
 *   progressViews   ProgressViewStore (the session monitor writes it; the task API reads it)
 *   progressEvents  ProgressEventStore (the session monitor appends; GET /v1/tasks/{id}/events pages it)
 *   heartbeats      HeartbeatReader, what the watchdog reads (services/tasks/watchdog/policies.ts)
 *
 * built on DynamoDB by `createProgressStores` (the registries' factories of those ports).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Ports } from '../../services/ports/ports';
import { tableName } from '../../services/kernel/tables';
import { DynamoDbProgressEventsStore, DynamoDbProgressViewStore } from './dynamodb-progress-stores';
import type { HeartbeatReader, ProgressEventStore, ProgressViewStore } from './progress-view';
import { PROGRESS_EVENTS_TABLE, PROGRESS_VIEW_TABLE } from './tables';

export interface ProgressStores {
  readonly progressViews: DynamoDbProgressViewStore;
  readonly progressEvents: DynamoDbProgressEventsStore;
  readonly heartbeats: HeartbeatReader;
}

/** The DynamoDB progress stores on the tables of `prefix` (default: $ABCA_TABLE_PREFIX, else `abca`). */
export function createProgressStores(options: {
  readonly client: DynamoDBClient;
  readonly prefix?: string;
  readonly maxLines?: number;
  readonly retentionDays?: number;
}): ProgressStores {
  const progressViews = new DynamoDbProgressViewStore({ client: options.client, tableName: tableName(PROGRESS_VIEW_TABLE, options.prefix), maxLines: options.maxLines });
  return {
    progressViews,
    progressEvents: new DynamoDbProgressEventsStore({
      client: options.client,
      tableName: tableName(PROGRESS_EVENTS_TABLE, options.prefix),
      retentionDays: options.retentionDays,
    }),
    heartbeats: progressViews,
  };
}

/**
 * The writable progress stores of the `progressViews` and `progressEvents` ports, checked at run
 * time too (a consumer given none fails at once); a clear error naming what is missing.
 */
export function progressStoresOf(deps: Partial<Pick<Ports, 'progressViews' | 'progressEvents'>>): { progressViews: ProgressViewStore; progressEvents: ProgressEventStore } {
  const { progressViews, progressEvents } = deps;
  const missing = [
    ...(typeof progressViews?.apply === 'function' ? [] : ['the progressViews port (a ProgressViewStore with apply)']),
    ...(typeof progressEvents?.append === 'function' ? [] : ['the progressEvents port (a ProgressEventStore with append)']),
  ];
  if (missing.length > 0 || !progressViews || !progressEvents) {
    throw new Error(`missing ${missing.join(' and ')}: the session monitor writes the progress view (e.g. createProgressStores({ client }) from projections/progress-view/stores.ts)`);
  }
  return { progressViews, progressEvents };
}
