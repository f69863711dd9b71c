/** The nudge-delivery service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { createNudgeDeliveryService, NUDGE_DELIVERY_EVENT_TYPES, NUDGE_DELIVERY_PORTS } from './service';

export const nudgeDeliveryEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'nudge-delivery',
  description: "Writes each nudge to its task's inbox in the blob store, where the running agent reads it between turns.",
  pattern: taskEvents(...NUDGE_DELIVERY_EVENT_TYPES),
  emits: [],
  ports: NUDGE_DELIVERY_PORTS,
  create: createNudgeDeliveryService,
  lambdaEntry: 'services/tasks/nudge-delivery/handler.ts',
  // Same event, same blob key, same bytes: a redelivery rewrites the file identically.
  idempotentByConstruction: true,
});
