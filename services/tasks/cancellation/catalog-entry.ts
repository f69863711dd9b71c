/** The cancellation service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { CANCELLATION_EVENT_TYPES, CANCELLATION_PORTS, createCancellationService } from './service';

export const cancellationEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'cancellation',
  description: 'Stops a running session → TaskCancelled.',
  pattern: taskEvents(...CANCELLATION_EVENT_TYPES),
  emits: ['TaskCancelled'],
  ports: CANCELLATION_PORTS,
  create: createCancellationService,
  lambdaEntry: 'services/tasks/cancellation/handler.ts',
  timeoutSeconds: 60,
});
