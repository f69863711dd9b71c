/** The concurrency-view projection's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS } from '../../services/catalog-entry';
import { CONCURRENCY_VIEW_PORTS, createConcurrencyViewProjector } from './service';

export const concurrencyViewEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'concurrency-view',
  description: 'Projection: active and queued tasks per user.',
  pattern: { source: ['abca.user'] },
  emits: [],
  ports: CONCURRENCY_VIEW_PORTS,
  create: (ports) => createConcurrencyViewProjector(ports),
  lambdaEntry: 'projections/concurrency-view/handler.ts',
  batchSize: 25,
  idempotentByConstruction: true,
});
