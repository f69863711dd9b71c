/**
 * The consumer runtime with real idempotency records on DynamoDB Local: each event is handled once
 * per consumer however often it is delivered; failures come back as partial batch failures;
 * invalid envelopes are refused; schedule triggers reach onTrigger.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { lambdaContext } from '../../local/eventbridge/lambda-context';
import { createIsolatedTables, type IsolatedTables } from '../../test/support/dynamo';
import { createSqsConsumer, type ServiceHandlers } from './consumer';
import { IDEMPOTENCY_TABLE } from './tables';

let tables: IsolatedTables;
beforeAll(async () => {
  tables = await createIsolatedTables([IDEMPOTENCY_TABLE], 'con');
});
afterAll(() => tables.drop());

const layer = () => new DynamoDBPersistenceLayer({ tableName: tables.name(IDEMPOTENCY_TABLE), awsSdkV3Client: tables.client });
const context = (name: string) => lambdaContext({ region: 'us-east-1', accountId: '000000000000' }, name, 30_000);

function envelope(overrides: Record<string, unknown> = {}) {
  return {
    id: ulid(),
    type: 'TaskAdmitted',
    schemaVersion: 1,
    stream: { type: 'Task', id: 't-1' },
    sequence: 2,
    occurredAt: new Date().toISOString(),
    recordedAt: new Date().toISOString(),
    correlationId: 't-1',
    causationId: 'c-1',
    source: 'abca.task',
    data: { userId: 'u-1', fromQueue: false },
    metadata: { actor: 'service:admission' },
    ...overrides,
  };
}

function record(detail: object, messageId = ulid(), source = 'abca.task', detailType = 'TaskAdmitted'): SQSRecord {
  return { messageId, body: JSON.stringify({ id: ulid(), source, 'detail-type': detailType, time: new Date().toISOString(), detail }) } as SQSRecord;
}

test('each event is handled once per consumer, however often delivered; consumers keep separate records', async () => {
  const seen = { a: 0, b: 0 };
  const a = createSqsConsumer({ name: 'a', handlers: { onEvent: async () => void seen.a++ }, idempotency: layer() });
  const b = createSqsConsumer({ name: 'b', handlers: { onEvent: async () => void seen.b++ }, idempotency: layer() });
  const e = envelope();
  // Interleaved deliveries to both consumers, twice each, partly concurrent.
  await Promise.all([a({ Records: [record(e)] }, context('a')), b({ Records: [record(e)] }, context('b'))]);
  await Promise.all([b({ Records: [record(e)] }, context('b')), a({ Records: [record(e)] }, context('a'))]);
  expect(seen).toEqual({ a: 1, b: 1 });
});

test('a failing record is reported alone; the others succeed; the failed one runs again on redelivery', async () => {
  let failOnce = true;
  const handled: string[] = [];
  const handlers: ServiceHandlers = {
    onEvent: async (event) => {
      if (event.data && (event.data as { userId: string }).userId === 'flaky' && failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
      handled.push(event.id);
    },
  };
  const consumer = createSqsConsumer({ name: 'partial', handlers, idempotency: layer() });
  const ok = record(envelope());
  const flaky = record(envelope({ data: { userId: 'flaky', fromQueue: false } }));
  const first = await consumer({ Records: [ok, flaky] }, context('partial'));
  expect(first.batchItemFailures).toEqual([{ itemIdentifier: flaky.messageId }]);
  const second = await consumer({ Records: [flaky] }, context('partial'));
  expect(second.batchItemFailures).toEqual([]);
  expect(handled).toHaveLength(2);
});

test('an invalid envelope fails its record (it goes to the DLQ after retries)', async () => {
  const consumer = createSqsConsumer({ name: 'strict', handlers: { onEvent: async () => undefined }, idempotency: layer() });
  const bad = record(envelope({ data: { userId: 'u-1' } }));
  const out = await consumer({ Records: [bad] }, context('strict'));
  expect(out.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
});

test('schedule events reach onTrigger with their detail', async () => {
  const triggers: string[] = [];
  const consumer = createSqsConsumer({ name: 'trig', handlers: { onTrigger: async (t) => void triggers.push(`${t.source}/${t.detailType}/${String(t.detail.taskId)}`) }, idempotency: layer() });
  await consumer({ Records: [record({ taskId: 't-9' }, ulid(), 'abca.scheduler', 'SessionDeadlineReached')] }, context('trig'));
  expect(triggers).toEqual(['abca.scheduler/SessionDeadlineReached/t-9']);
});
