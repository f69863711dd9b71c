/**
 * Cloud factories of the ports kept in DynamoDB tables (the function's ABCA_TABLE_PREFIX): the
 * event store, the views, the progress stores and heartbeats, the repositories' memory. They share
 * the function's one DynamoDB client.
 */
import { DynamoDbConcurrencyViewStore } from '../../../projections/concurrency-view/dynamodb-concurrency-view-store';
import { DynamoDbCredentialsViewStore } from '../../../projections/credentials-view/dynamodb-credentials-view-store';
import { DynamoDbProgressEventsStore, DynamoDbProgressViewStore } from '../../../projections/progress-view/dynamodb-progress-stores';
import { PROGRESS_EVENTS_TABLE, PROGRESS_VIEW_TABLE } from '../../../projections/progress-view/tables';
import { CONCURRENCY_VIEW_TABLE, CREDENTIALS_VIEW_TABLE, TASK_VIEW_TABLE } from '../../../projections/tables';
import { DynamoDbTaskViewStore } from '../../../projections/task-view/dynamodb-task-view-store';
import { DynamoMemoryStore } from '../../adapters/memory/dynamo-memory-store';
import { MEMORY_TABLE } from '../../adapters/memory/tables';
import { DynamoDbEventStore } from '../../kernel/dynamodb-event-store';
import { EVENTS_TABLE, tableName } from '../../kernel/tables';
import { cloudPortsFor, dynamoOf, tablePrefixOf, type CloudContext, type CloudOverrides, type CloudPortFactory } from '../cloud-ports';
import type { Env } from '../env';

export const cloudStore: CloudPortFactory<'store'> = (ctx) => new DynamoDbEventStore({ client: dynamoOf(ctx), tableName: tableName(EVENTS_TABLE, tablePrefixOf(ctx)) });

/** The event store only (the Blueprint's custom resource, the API authorizer). */
export function storeFromEnv(env: Env, what: string, overrides: CloudOverrides = {}) {
  return cloudPortsFor(['store'], { store: cloudStore }, env, what, overrides).store;
}

export const cloudMemory: CloudPortFactory<'memory'> = (ctx) => new DynamoMemoryStore({ client: dynamoOf(ctx), tableName: tableName(MEMORY_TABLE, tablePrefixOf(ctx)) });

export const cloudTaskViews: CloudPortFactory<'taskViews'> = (ctx) => new DynamoDbTaskViewStore({ client: dynamoOf(ctx), tableName: tableName(TASK_VIEW_TABLE, tablePrefixOf(ctx)) });

export const cloudConcurrencyViews: CloudPortFactory<'concurrencyViews'> = (ctx) =>
  new DynamoDbConcurrencyViewStore({ client: dynamoOf(ctx), tableName: tableName(CONCURRENCY_VIEW_TABLE, tablePrefixOf(ctx)) });

export const cloudCredentialsViews: CloudPortFactory<'credentialsViews'> = (ctx) =>
  new DynamoDbCredentialsViewStore({ client: dynamoOf(ctx), tableName: tableName(CREDENTIALS_VIEW_TABLE, tablePrefixOf(ctx)) });

const progressViewStore = (ctx: CloudContext) => new DynamoDbProgressViewStore({ client: dynamoOf(ctx), tableName: tableName(PROGRESS_VIEW_TABLE, tablePrefixOf(ctx)) });

export const cloudProgressViews: CloudPortFactory<'progressViews'> = progressViewStore;

export const cloudProgressEvents: CloudPortFactory<'progressEvents'> = (ctx) =>
  new DynamoDbProgressEventsStore({ client: dynamoOf(ctx), tableName: tableName(PROGRESS_EVENTS_TABLE, tablePrefixOf(ctx)) });

/** The progress view, whose items carry each task's last heartbeat. */
export const cloudHeartbeats: CloudPortFactory<'heartbeats'> = progressViewStore;
