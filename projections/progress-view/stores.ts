/**
 * How services reach the progress stores: through `deps.extras`, like ../view-stores.ts, under
 *
 *   progressViews   ProgressViewStore (the session monitor writes it; the task API reads it)
 *   progressEvents  ProgressEventStore (the session monitor appends; GET /v1/tasks/{id}/events pages it)
 *   heartbeats      HeartbeatReader, the key the watchdog reads (services/tasks/watchdog/policies.ts)
 *
 *   extras: { ...createViewStores({ client }), ...createProgressStores({ client }), ... }
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ServiceDeps } from '../../services/deps';
import { tableName } from '../../services/kernel/tables';
import { DynamoDbProgressEventsStore, DynamoDbProgressViewStore } from './dynamodb-progress-stores';
import type { HeartbeatReader, ProgressEventStore, ProgressViewStore } from './progress-view';
import { PROGRESS_EVENTS_TABLE, PROGRESS_VIEW_TABLE } from './tables';

export const PROGRESS_VIEWS_EXTRA = 'progressViews';
export const PROGRESS_EVENTS_EXTRA = 'progressEvents';
/** The same key as services/tasks/watchdog/policies.ts HEARTBEATS_EXTRA. */
export const HEARTBEATS_EXTRA = 'heartbeats';

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

/** The writable progress stores in deps.extras; a clear error naming what is missing. */
export function progressStoresOf(deps: Pick<ServiceDeps, 'extras'>): { progressViews: ProgressViewStore; progressEvents: ProgressEventStore } {
  const views = deps.extras[PROGRESS_VIEWS_EXTRA] as Partial<ProgressViewStore> | undefined;
  const events = deps.extras[PROGRESS_EVENTS_EXTRA] as Partial<ProgressEventStore> | undefined;
  const missing = [
    ...(typeof views?.apply === 'function' ? [] : [`${PROGRESS_VIEWS_EXTRA} (a ProgressViewStore with apply)`]),
    ...(typeof events?.append === 'function' ? [] : [`${PROGRESS_EVENTS_EXTRA} (a ProgressEventStore with append)`]),
  ];
  if (missing.length > 0) {
    throw new Error(
      `deps.extras lacks ${missing.join(' and ')}: the session monitor writes the progress view (e.g. \`extras: { ...createProgressStores({ client }) }\` from projections/progress-view/stores.ts)`,
    );
  }
  return { progressViews: views as ProgressViewStore, progressEvents: events as ProgressEventStore };
}
