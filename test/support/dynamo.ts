/**
 * DynamoDB helpers for integration tests. Jest's global setup runs one DynamoDB Local and puts its
 * endpoint in DYNAMODB_ENDPOINT. Test files run in parallel workers against that one instance, so
 * a test that writes should work on its own tables: `createIsolatedTables` makes them under a
 * random prefix and `drop()` removes them.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../services/adapters/aws/dynamodb-client';
import { createTables } from '../../services/kernel/create-tables';
import { ALL_TABLES } from '../../services/tables';
import { tableName, type TableDefinition } from '../../services/kernel/tables';

/** The endpoint of the run's DynamoDB Local; explains itself when missing. */
export function testEndpoint(): string {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    throw new Error('DYNAMODB_ENDPOINT is not set: run integration tests through jest (its global setup starts DynamoDB Local).');
  }
  return endpoint;
}

/** A fresh client on the run's DynamoDB Local; `destroy()` it in afterAll. */
export function testDynamoClient(): DynamoDBClient {
  return localDynamoClient(testEndpoint());
}

/** A table-name prefix no other test (in any worker) uses, e.g. `t1a2b3c4d`. */
export function uniquePrefix(label = 't'): string {
  return `${label}${randomBytes(4).toString('hex')}`;
}

export interface IsolatedTables {
  readonly prefix: string;
  readonly client: DynamoDBClient;
  /** The physical name of one of the created tables. */
  name(def: TableDefinition): string;
  /** Deletes the tables and closes the client. */
  drop(): Promise<void>;
}

/** Creates `defs` (all tables by default) under a fresh prefix on the run's DynamoDB Local. */
export async function createIsolatedTables(defs: readonly TableDefinition[] = ALL_TABLES, label?: string): Promise<IsolatedTables> {
  const prefix = uniquePrefix(label);
  const client = testDynamoClient();
  const names = await createTables(client, defs, prefix);
  return {
    prefix,
    client,
    name: (def) => tableName(def, prefix),
    async drop() {
      await Promise.all(
        names.map((TableName) =>
          client.send(new DeleteTableCommand({ TableName })).catch((err: Error) => {
            if (err.name !== 'ResourceNotFoundException') throw err;
          }),
        ),
      );
      client.destroy();
    },
  };
}
