/** The credentials-view projection's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS } from '../../services/catalog-entry';
import { createCredentialsViewProjector, CREDENTIALS_VIEW_PORTS } from './service';

export const credentialsViewEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'credentials-view',
  description: "Projection: each user's API keys and webhooks (GET /v1/api-keys, GET /v1/webhooks).",
  pattern: { source: ['abca.api-key', 'abca.webhook'] },
  emits: [],
  ports: CREDENTIALS_VIEW_PORTS,
  create: (ports) => createCredentialsViewProjector(ports),
  lambdaEntry: 'projections/credentials-view/handler.ts',
  batchSize: 25,
  idempotentByConstruction: true,
});
