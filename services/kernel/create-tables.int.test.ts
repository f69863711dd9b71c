/** createTables and the test isolation helpers, against the run's shared DynamoDB Local. */
import { DescribeTimeToLiveCommand, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createIsolatedTables, testDynamoClient, type IsolatedTables } from '../../test/support/dynamo';
import { ALL_TABLES } from '../tables';
import { IDEMPOTENCY_TABLE } from './tables';
import { createTables } from './create-tables';

let a: IsolatedTables;
let b: IsolatedTables;

beforeAll(async () => {
  [a, b] = await Promise.all([createIsolatedTables(), createIsolatedTables()]);
});

afterAll(async () => {
  await Promise.all([a?.drop(), b?.drop()]);
});

test('the global setup created the test tables and set the prefix', async () => {
  const client = testDynamoClient();
  // Every page: other test files create tables of their own under random prefixes (> 100 at times).
  const TableNames: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    TableNames.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  client.destroy();
  expect(process.env.ABCA_TABLE_PREFIX).toBe('test');
  expect(TableNames).toEqual(expect.arrayContaining(['test-events', 'test-idempotency']));
});

test('createTables is idempotent', async () => {
  await expect(createTables(a.client, ALL_TABLES, a.prefix)).resolves.toEqual(ALL_TABLES.map((def) => a.name(def)));
});

test('TTL is enabled on the expiration attribute', async () => {
  const { TimeToLiveDescription } = await a.client.send(new DescribeTimeToLiveCommand({ TableName: a.name(IDEMPOTENCY_TABLE) }));
  expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
});

test('isolated tables do not see each other', async () => {
  const key = { id: { S: 'same-key' } };
  await a.client.send(new PutItemCommand({ TableName: a.name(IDEMPOTENCY_TABLE), Item: key }));
  const { Item } = await b.client.send(new GetItemCommand({ TableName: b.name(IDEMPOTENCY_TABLE), Key: key }));
  expect(Item).toBeUndefined();
});
