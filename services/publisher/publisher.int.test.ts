/**
 * Outbox: events appended to the store reach the bus through the table's stream, in order, once
 * per successful batch; a failing bus makes the poller retry from the first unpublished record,
 * and a restarted poller resumes from its durable checkpoint.
 */
import { localDynamoStreamsClient } from '../adapters/aws/dynamodb-client';
import { DynamoDbCheckpointStore } from '../../local/streams/checkpoints';
import { startDynamoStreamPoller, type StreamPoller } from '../../local/streams/dynamodb-stream-poller';
import { createIsolatedTables, testEndpoint, type IsolatedTables } from '../../test/support/dynamo';
import { DynamoDbEventStore } from '../kernel/dynamodb-event-store';
import type { EventEnvelope } from '../kernel/envelope';
import type { EventBus } from '../kernel/event-bus';
import { PublishError } from '../kernel/event-bus';
import { createLogger } from '../kernel/logger';
import { CHECKPOINTS_TABLE, EVENTS_TABLE } from '../kernel/tables';
import { sampleEvents, taskStream } from '../kernel/testing/sample-events';
import { createPublisher } from './publisher';

let tables: IsolatedTables;
const streams = localDynamoStreamsClient(testEndpoint());
const logger = createLogger('publisher-test');

/** Records what reaches it; fails while `failing` says so (a bus that refuses entries). */
class RecordingBus implements EventBus {
  readonly received: EventEnvelope[] = [];
  failuresLeft = 0;
  async publish(events: readonly EventEnvelope[]) {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new PublishError(events.map((e) => ({ eventId: e.id, errorCode: 'ThrottlingException', errorMessage: 'slow down' })), 1);
    }
    this.received.push(...events);
  }
}

beforeAll(async () => {
  tables = await createIsolatedTables([EVENTS_TABLE, CHECKPOINTS_TABLE], 'pub');
});
afterAll(async () => {
  await tables.drop();
  streams.destroy();
});

function poller(bus: EventBus): Promise<StreamPoller> {
  return startDynamoStreamPoller({
    name: 'publisher',
    dynamo: tables.client,
    streams,
    tableName: tables.name(EVENTS_TABLE),
    handler: createPublisher({ bus, logger }),
    checkpoints: new DynamoDbCheckpointStore(tables.client, tables.name(CHECKPOINTS_TABLE)),
    batchSize: 7,
    idleDelayMs: 10,
    retryBaseDelayMs: 5,
  });
}

test('publishes every appended event once, in stream order, retries through bus failures, and resumes after a restart', async () => {
  const store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE) });
  const stream = taskStream('outbox-1');
  const first = sampleEvents(20);
  await store.append({ stream, expectedSequence: 0, events: first });

  const bus = new RecordingBus();
  bus.failuresLeft = 3;
  let p = await poller(bus);
  await p.caughtUp();
  expect(bus.received.map((e) => e.id)).toEqual(first.map((e) => e.id));
  expect(bus.received.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  await p.stop();

  // Appended while the poller is down: a new poller (same checkpoints) publishes only these.
  const second = sampleEvents(5);
  await store.append({ stream, expectedSequence: 20, events: second });
  const bus2 = new RecordingBus();
  p = await poller(bus2);
  await p.caughtUp();
  await p.stop();
  expect(bus2.received.map((e) => e.id)).toEqual(second.map((e) => e.id));
}, 120_000);
