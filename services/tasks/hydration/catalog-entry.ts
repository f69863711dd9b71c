/** The hydration service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { createHydrationService, HYDRATION_EVENT_TYPES, HYDRATION_PORTS } from './service';

export const hydrationEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'hydration',
  description: 'Assembles the prompt (task, issue, comments, memory) within its token budget → ContextHydrated.',
  pattern: taskEvents(...HYDRATION_EVENT_TYPES),
  emits: ['ContextHydrated', 'HydrationFailed', 'TaskFailed'],
  ports: HYDRATION_PORTS,
  create: createHydrationService,
  lambdaEntry: 'services/tasks/hydration/handler.ts',
  timeoutSeconds: 120,
});
