/**
 * The view stores, as the ports `taskViews`, `concurrencyViews` and `credentialsViews`
 * (services/ports/ports.ts): a Lambda or the embedded platform builds the DynamoDB stores with
 * `createViewStores` (its registry's factories of those ports).
 *
 * Readers (task-api, watchdog) need only TaskViewStore / ConcurrencyViewStore / CredentialsViewStore;
 * the projectors also write, so `taskViewsOf` / `concurrencyViewsOf` / `credentialsViewsOf` check
 * for the writing side too and explain what is missing.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Ports } from '../services/ports/ports';
import { tableName } from '../services/kernel/tables';
import type { ConcurrencyView, ConcurrencyViewStore } from './concurrency-view/concurrency-view';
import type { CredentialKind, CredentialsViewStore } from './credentials-view/credentials-view';
import { DynamoDbCredentialsViewStore, type CredentialKindStore } from './credentials-view/dynamodb-credentials-view-store';
import { DynamoDbConcurrencyViewStore } from './concurrency-view/dynamodb-concurrency-view-store';
import type { ProjectedView, ProjectionStore, RebuildTarget } from './projection';
import { CONCURRENCY_VIEW_TABLE, CREDENTIALS_VIEW_TABLE, TASK_VIEW_TABLE } from './tables';
import { DynamoDbTaskViewStore } from './task-view/dynamodb-task-view-store';
import type { TaskView, TaskViewStore } from './task-view/task-view';

/** A view store a projector can write to (apply) and rebuild into, and that readers can query. */
type WritableViewStore<V extends ProjectedView, R> = R & ProjectionStore<V> & RebuildTarget<V>;
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

type ViewPort = 'taskViews' | 'concurrencyViews' | 'credentialsViews';

/**
 * The view port `port`, checked at run time too: a projector given no store, or a read-only one
 * (a test double folding the event store, passed where the types were bypassed), fails at once
 * with what is missing rather than on its first event.
 */
function writable<K extends ViewPort>(
  deps: Partial<Pick<Ports, K>>,
  port: K,
  what: string,
  readMethods: readonly string[],
  writeMethods: readonly string[] = ['load', 'save', 'replace'],
): Ports[K] {
  const store = deps[port] as Record<string, unknown> | undefined;
  if (store === undefined || store === null) {
    throw new Error(`the ${port} port is missing: the ${what} projector needs a ${what} store (e.g. createViewStores({ client }) from projections/view-stores.ts)`);
  }
  const missing = [...readMethods, ...writeMethods].filter((m) => typeof store[m] !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `the ${port} port cannot be written by the ${what} projector: it lacks ${missing.join(', ')} (a read-only store, such as a test double that folds the event store, needs no projector)`,
    );
  }
  return deps[port]!;
}

/** The task view store of the `taskViews` port, with its writing side; a clear error when missing. */
export function taskViewsOf(deps: Partial<Pick<Ports, 'taskViews'>>): WritableTaskViewStore {
  return writable(deps, 'taskViews', 'task-view', ['get', 'listByUser', 'listByStatus']);
}

/** The concurrency view store of the `concurrencyViews` port, with its writing side; a clear error when missing. */
export function concurrencyViewsOf(deps: Partial<Pick<Ports, 'concurrencyViews'>>): WritableConcurrencyViewStore {
  return writable(deps, 'concurrencyViews', 'concurrency-view', ['get', 'listWithQueue']);
}

/** The credentials view store of the `credentialsViews` port, with its writing side (forKind); a clear error when missing. */
export function credentialsViewsOf(deps: Partial<Pick<Ports, 'credentialsViews'>>): WritableCredentialsViewStore {
  return writable(deps, 'credentialsViews', 'credentials-view', ['get', 'listByUser'], ['forKind']);
}
