/**
 * The DynamoDB tables of the read views (plain TableDefinitions, like services/kernel/tables.ts:
 * the adapters, the DynamoDB Local harness and the CDK app read them). `VIEW_TABLES` is meant to
 * join ALL_TABLES.
 *
 * Items are the views as plain attributes (marshalled; nulls stored as NULL) plus the key
 * attributes of the indexes below, which the adapters derive from the view on every write.
 */
import type { TableDefinition } from '../services/kernel/tables';

/**
 * One item per task (pk `taskId`). Indexes, all projecting the whole item (lists return views
 * without a second read):
 *   by-user         pk userId,      sk createdKey `<createdAt>#<taskId>`  a user's tasks, newest first
 *   by-user-status  pk userStatus `<userId>#<status>`, sk createdKey     the same, in one status
 *   by-status       pk status,      sk updatedKey `<updatedAt>#<taskId>`  every task in a status,
 *                                                                        oldest update first (watchdog)
 */
export const TASK_VIEW_TABLE = {
  id: 'TaskView',
  baseName: 'task-view',
  partitionKey: { name: 'taskId', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'by-user',
      partitionKey: { name: 'userId', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
      projection: { type: 'ALL' },
    },
    {
      indexName: 'by-user-status',
      partitionKey: { name: 'userStatus', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
      projection: { type: 'ALL' },
    },
    {
      indexName: 'by-status',
      partitionKey: { name: 'status', type: 'S' },
      sortKey: { name: 'updatedKey', type: 'S' },
      projection: { type: 'ALL' },
    },
  ],
} as const satisfies TableDefinition;

/** Attribute names of the task-view item that are not TaskView fields (index keys). */
export const TASK_VIEW_ITEM = {
  createdKey: 'createdKey',
  userStatus: 'userStatus',
  updatedKey: 'updatedKey',
} as const;

/**
 * One item per user (pk `userId`). The sparse index `with-queue` holds only users whose queue is
 * not empty (`hasQueue` = 'Y' is written only then), sorted by userId.
 */
export const CONCURRENCY_VIEW_TABLE = {
  id: 'ConcurrencyView',
  baseName: 'concurrency-view',
  partitionKey: { name: 'userId', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'with-queue',
      partitionKey: { name: 'hasQueue', type: 'S' },
      sortKey: { name: 'userId', type: 'S' },
      projection: { type: 'ALL' },
    },
  ],
} as const satisfies TableDefinition;

export const CONCURRENCY_VIEW_ITEM = {
  hasQueue: 'hasQueue',
  /** The only value of `hasQueue` (absent when the queue is empty). */
  yes: 'Y',
} as const;

/**
 * One item per API key and per webhook (pk `credentialKey` = `<kind>#<id>`, kind `api_key` or
 * `webhook`). Index, projecting the whole item:
 *   by-user-kind  pk userKind `<userId>#<kind>`, sk createdKey `<createdAt>#<id>`  a user's keys
 *                 (or webhooks), newest first
 */
export const CREDENTIALS_VIEW_TABLE = {
  id: 'CredentialsView',
  baseName: 'credentials-view',
  partitionKey: { name: 'credentialKey', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'by-user-kind',
      partitionKey: { name: 'userKind', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
      projection: { type: 'ALL' },
    },
  ],
} as const satisfies TableDefinition;

/** Attribute names of the credentials-view item that are not CredentialView fields (keys). */
export const CREDENTIALS_VIEW_ITEM = {
  credentialKey: 'credentialKey',
  userKind: 'userKind',
  createdKey: 'createdKey',
} as const;

export const VIEW_TABLES: readonly TableDefinition[] = [TASK_VIEW_TABLE, CONCURRENCY_VIEW_TABLE, CREDENTIALS_VIEW_TABLE];
