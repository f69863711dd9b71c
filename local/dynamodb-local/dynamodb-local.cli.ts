/**
 * `npm run dynamodb:local -- [--port N] [--db-path DIR | --in-memory]`: DynamoDB Local with all
 * the platform's tables, for poking at by hand (aws CLI, scripts). Stays up until Ctrl-C.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_TABLES } from '../../services/tables';
import { localDynamoClient } from '../../services/adapters/aws/dynamodb-client';
import { createTables } from '../../services/kernel/create-tables';
import { startDynamoDbLocal } from './launcher';

const USAGE = `Usage: npm run dynamodb:local -- [--port N] [--db-path DIR | --in-memory]

Starts DynamoDB Local, creates the platform's tables (prefix: $ABCA_TABLE_PREFIX, default "abca"),
prints the endpoint and runs until Ctrl-C.

  --port N        listen on port N (default: a free port)
  --db-path DIR   keep data in DIR (default: .abca/dynamodb-local)
  --in-memory     keep data in memory only (lost on exit)
  --help          show this help`;

const DEFAULT_DB_PATH = path.resolve(__dirname, '..', '..', '.abca', 'dynamodb-local');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'db-path': { type: 'string' },
      'in-memory': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (values['db-path'] && values['in-memory']) throw new Error('--db-path and --in-memory exclude each other.');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`--port must be a port number, got ${values.port}`);

  const log = (msg: string) => console.error(msg);
  const inMemory = values['in-memory'] === true;
  const db = await startDynamoDbLocal({ port, inMemory, dbPath: inMemory ? undefined : (values['db-path'] ?? DEFAULT_DB_PATH), log });
  const client = localDynamoClient(db.endpoint);
  try {
    const tables = await createTables(client, ALL_TABLES);
    console.log(`DynamoDB Local: ${db.endpoint}  tables: ${tables.join(', ')}`);
    console.log(`  export DYNAMODB_ENDPOINT=${db.endpoint}`);
    console.log(`  aws dynamodb list-tables --endpoint-url ${db.endpoint} --region us-east-1`);
  } catch (err) {
    await db.stop();
    throw err;
  } finally {
    client.destroy();
  }

  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    log('Stopping DynamoDB Local…');
    void db.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
