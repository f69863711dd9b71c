/**
 * A second, private DynamoDB Local (not the run's shared one): start on a free port, create the
 * platform's tables, check the behaviours the event store relies on, then stop it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ALL_TABLES } from '../../services/tables';
import { EVENTS_TABLE, tableName } from '../../services/kernel/tables';
import { localDynamoClient } from '../../services/adapters/aws/dynamodb-client';
import { createTables } from '../../services/kernel/create-tables';
import { startDynamoDbLocal, type DynamoDbLocal } from './launcher';

const PREFIX = 'it';
let db: DynamoDbLocal;
let client: DynamoDBClient;

beforeAll(async () => {
  db = await startDynamoDbLocal({ inMemory: true });
  client = localDynamoClient(db.endpoint);
  await createTables(client, ALL_TABLES, PREFIX);
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await db?.stop();
});

test('a conditional put rejects a duplicate key', async () => {
  const put = () =>
    client.send(
      new PutItemCommand({
        TableName: tableName(EVENTS_TABLE, PREFIX),
        Item: { pk: { S: 'Task#1' }, sk: { N: '1' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  await put();
  await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
});

test('the events table has its NEW_IMAGE stream and its streams index', async () => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName(EVENTS_TABLE, PREFIX) }));
  expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
  expect(Table?.LatestStreamArn).toBeDefined();
  expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus])).toEqual([['streams', 'ACTIVE']]);
});

test('a start on a port in use fails before launching Java', async () => {
  await expect(startDynamoDbLocal({ port: db.port })).rejects.toThrow(`Port ${db.port} is already in use`);
});

test('a child that dies at start-up fails with its output', async () => {
  const bogus = mkdtempSync(path.join(tmpdir(), 'abca-bogus-ddbl-'));
  writeFileSync(path.join(bogus, 'DynamoDBLocal.jar'), 'not a jar');
  const saved = process.env.ABCA_DYNAMODB_LOCAL_DIR;
  process.env.ABCA_DYNAMODB_LOCAL_DIR = bogus;
  try {
    await expect(startDynamoDbLocal()).rejects.toThrow(/exited \(1\) before answering[\s\S]*DynamoDB Local output[\s\S]*jarfile/);
  } finally {
    if (saved === undefined) delete process.env.ABCA_DYNAMODB_LOCAL_DIR;
    else process.env.ABCA_DYNAMODB_LOCAL_DIR = saved;
  }
}, 120_000);

test('stop ends the process and frees the port', async () => {
  await db.stop();
  expect(() => process.kill(db.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  await expect(connects(db.port)).resolves.toBe(false);
  await db.stop(); // idempotent
}, 120_000);

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
