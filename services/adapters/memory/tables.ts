/**
 * The DynamoDB table of the local memory store (a plain TableDefinition, like
 * services/kernel/tables.ts). `MEMORY_TABLES` is meant to join ALL_TABLES (the lead wires it).
 *
 * One item per episode: pk `repo` (owner/name), sk `<createdAt>#<id>` (newest last), plus `id`,
 * `text`, optional `taskId`, and `expiresAt` (epoch seconds) when the episode should expire.
 */
import type { TableDefinition } from '../../kernel/tables';

export const MEMORY_TABLE = {
  id: 'Memory',
  baseName: 'memory',
  partitionKey: { name: 'repo', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

export const MEMORY_TABLES: readonly TableDefinition[] = [MEMORY_TABLE];
