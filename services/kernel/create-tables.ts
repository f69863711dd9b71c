/**
 * Creates the platform's tables (from their single definition in services/kernel/tables.ts) on a
 * DynamoDB endpoint. Idempotent, so every start-up and every test run can simply call it.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { toCreateTableInput, type TableDefinition } from './tables';

const ACTIVE_TIMEOUT_MS = 60_000;

/** Creates each table unless it exists, waits until it and its indexes are ACTIVE, enables TTL. Returns the table names. */
export async function createTables(client: DynamoDBClient, defs: readonly TableDefinition[], prefix?: string): Promise<string[]> {
  return Promise.all(defs.map((def) => createTable(client, def, prefix)));
}

async function createTable(client: DynamoDBClient, def: TableDefinition, prefix?: string): Promise<string> {
  const input = toCreateTableInput(def, prefix);
  try {
    await client.send(new CreateTableCommand(input));
  } catch (err) {
    // Already there (an earlier run, or a concurrent caller): that is the state we want.
    if ((err as Error).name !== 'ResourceInUseException') throw err;
  }
  await waitUntilActive(client, input.TableName);
  if (def.timeToLiveAttribute) await enableTtl(client, input.TableName, def.timeToLiveAttribute);
  return input.TableName;
}

/** DynamoDB Local creates tables ACTIVE at once; real DynamoDB takes seconds, so poll briefly. */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} not ACTIVE after ${ACTIVE_TIMEOUT_MS} ms (status ${Table?.TableStatus})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** UpdateTimeToLive fails when TTL is already on, so look first, and still tolerate that error (a concurrent caller). */
async function enableTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  if (on && ttl?.AttributeName === attribute) return;
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } }));
  } catch (err) {
    if (!((err as Error).name === 'ValidationException' && /already enabled/i.test((err as Error).message))) throw err;
  }
}
