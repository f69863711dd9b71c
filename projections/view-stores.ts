/**
 * How services reach the view stores: through `deps.extras` (ServiceDeps stays free of views), under
 * the keys the watchdog already reads (`taskViews`, `concurrencyViews`), and `credentialsViews`. A Lambda or the embedded
 * platform builds the DynamoDB stores once with `createViewStores` and spreads them into extras:
 *
 *   extras: { ...createViewStores({ client }), ... }
 *
 * Readers (task-api, watchdog) need only TaskViewStore / ConcurrencyViewStore / CredentialsViewStore;
 * the projectors also write, so `taskViewsOf` / `concurrencyViewsOf` / `credentialsViewsOf` check
 * for the writing side too and explain what is missing.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ServiceDeps } from '../services/deps';
import { tableName } from '../services/kernel/tables';
import type { ConcurrencyView, ConcurrencyViewStore } from './concurrency-view/concurrency-view';
import type { CredentialKind, CredentialsViewStore } from './credentials-view/credentials-view';
import { DynamoDbCredentialsViewStore, type CredentialKindStore } from './credentials-view/dynamodb-credentials-view-store';
import { DynamoDbConcurrencyViewStore } from './concurrency-view/dynamodb-concurrency-view-store';
import type { ProjectedView, ProjectionStore, RebuildTarget } from './projection';
import { CONCURRENCY_VIEW_TABLE, CREDENTIALS_VIEW_TABLE, TASK_VIEW_TABLE } from './tables';
import { DynamoDbTaskViewStore } from './task-view/dynamodb-task-view-store';
import type { TaskView, TaskViewStore } from './task-view/task-view';

export const TASK_VIEWS_EXTRA = 'taskViews';
export const CONCURRENCY_VIEWS_EXTRA = 'concurrencyViews';
export const CREDENTIALS_VIEWS_EXTRA = 'credentialsViews';

/** A view store a projector can write to (apply) and rebuild into, and that readers can query. */
export type WritableViewStore<V extends ProjectedView, R> = R & ProjectionStore<V> & RebuildTarget<V>;
export type WritableTaskViewStore = WritableViewStore<TaskView, TaskViewStore>;
export type WritableConcurrencyViewStore = WritableViewStore<ConcurrencyView, ConcurrencyViewStore>;
/** The credentials view holds two stream types: each kind is written through its own store. */
export type WritableCredentialsViewStore = CredentialsViewStore & { forKind(kind: CredentialKind): CredentialKindStore };

export interface ViewStores {
  readonly taskViews: DynamoDbTaskViewStore;
  readonly concurrencyViews: DynamoDbConcurrencyViewStore;
  readonly credentialsViews: DynamoDbCredentialsViewStore;
}

/** The DynamoDB view stores on the tables of `prefix` (default: $ABCA_TABLE_PREFIX, else `abca`). */
export function createViewStores(options: { readonly client: DynamoDBClient; readonly prefix?: string }): ViewStores {
  return {
    taskViews: new DynamoDbTaskViewStore({ client: options.client, tableName: tableName(TASK_VIEW_TABLE, options.prefix) }),
    concurrencyViews: new DynamoDbConcurrencyViewStore({ client: options.client, tableName: tableName(CONCURRENCY_VIEW_TABLE, options.prefix) }),
    credentialsViews: new DynamoDbCredentialsViewStore({ client: options.client, tableName: tableName(CREDENTIALS_VIEW_TABLE, options.prefix) }),
  };
}

function writable<T>(
  deps: Pick<ServiceDeps, 'extras'>,
  key: string,
  what: string,
  readMethods: readonly string[],
  writeMethods: readonly string[] = ['load', 'save', 'replace'],
): T {
  const store = deps.extras[key] as Record<string, unknown> | undefined;
  if (store === undefined || store === null) {
    throw new Error(
      `deps.extras.${key} is missing: the ${what} projector needs a ${what} store (e.g. \`extras: { ...createViewStores({ client }) }\` from projections/view-stores.ts)`,
    );
  }
  const missing = [...readMethods, ...writeMethods].filter((m) => typeof store[m] !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `deps.extras.${key} cannot be written by the ${what} projector: it lacks ${missing.join(', ')} (a read-only store, such as a test double that folds the event store, needs no projector)`,
    );
  }
  return store as T;
}

/** The task view store in deps.extras.taskViews, with its writing side; a clear error when missing. */
export function taskViewsOf(deps: Pick<ServiceDeps, 'extras'>): WritableTaskViewStore {
  return writable<WritableTaskViewStore>(deps, TASK_VIEWS_EXTRA, 'task-view', ['get', 'listByUser', 'listByStatus']);
}

/** The concurrency view store in deps.extras.concurrencyViews, with its writing side; a clear error when missing. */
export function concurrencyViewsOf(deps: Pick<ServiceDeps, 'extras'>): WritableConcurrencyViewStore {
  return writable<WritableConcurrencyViewStore>(deps, CONCURRENCY_VIEWS_EXTRA, 'concurrency-view', ['get', 'listWithQueue']);
}

/** The credentials view store in deps.extras.credentialsViews, with its writing side (forKind); a clear error when missing. */
export function credentialsViewsOf(deps: Pick<ServiceDeps, 'extras'>): WritableCredentialsViewStore {
  return writable<WritableCredentialsViewStore>(deps, CREDENTIALS_VIEWS_EXTRA, 'credentials-view', ['get', 'listByUser'], ['forKind']);
}
