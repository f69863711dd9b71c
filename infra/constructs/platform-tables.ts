/**
 * Every other DynamoDB table of the platform (idempotency records, views, progress, memory, API
 * rate limits), made from the shared list services/tables.ts ALL_TABLES. The event table belongs to
 * the EventStore construct; tables marked `localOnly` stand in for what AWS manages itself (Lambda's
 * stream positions, EventBridge Scheduler) and are not created.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EVENTS_TABLE, type TableDefinition } from '../../services/kernel/tables';
import { ALL_TABLES } from '../../services/tables';
import { tableFromDefinition } from './definition-table';

/** The table definitions the cloud creates here (all but the event table and the local-only ones). */
export const CLOUD_TABLES: readonly TableDefinition[] = ALL_TABLES.filter((def) => !def.localOnly && def.id !== EVENTS_TABLE.id);

export class PlatformTables extends Construct {
  private readonly tables = new Map<string, dynamodb.Table>();

  constructor(scope: Construct, id: string, props: { readonly prefix: string }) {
    super(scope, id);
    for (const def of CLOUD_TABLES) this.tables.set(def.id, tableFromDefinition(this, def, { prefix: props.prefix }));
  }

  /** The table of a definition (one of CLOUD_TABLES). */
  table(def: TableDefinition): dynamodb.Table {
    const table = this.tables.get(def.id);
    if (!table) throw new Error(`no cloud table for ${def.id} (known: ${[...this.tables.keys()].join(', ')})`);
    return table;
  }

  /** Several definitions' tables. */
  tablesOf(defs: readonly TableDefinition[]): dynamodb.Table[] {
    return defs.map((def) => this.table(def));
  }
}
