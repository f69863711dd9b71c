/** The outbox publisher's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry } from '../catalog-entry';
import { createLogger } from '../kernel/logger';
import { createPublisher } from './publisher';

export const publisherEntry = defineEntry({
  kind: 'stream',
  name: 'publisher',
  description: 'Outbox: the event table stream → the bus, in order.',
  source: 'events-table',
  // It puts every stored event on the bus unchanged, and appends none.
  emits: [],
  ports: ['bus'],
  create: ({ bus }) => createPublisher({ bus, logger: createLogger('publisher') }),
  lambdaEntry: 'services/publisher/handler.ts',
  timeoutSeconds: 60,
  memoryMb: 256,
  eventSource: {
    // From the stream's start: events written before the mapping existed are published too.
    startingPosition: 'TRIM_HORIZON',
    batchSize: 100,
    // One batch per shard at a time: in order.
    parallelizationFactor: 1,
    // A failing batch is split to isolate a bad record; after the retries its position goes to the
    // dead-letter queue, from where `npm run republish` re-sends the range (the table keeps the events).
    bisectBatchOnError: true,
    retryAttempts: 10,
  },
});
