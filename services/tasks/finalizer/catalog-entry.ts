/** The finalizer service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { createFinalizerService, FINALIZER_EVENT_TYPES, FINALIZER_PORTS } from './service';

export const finalizerEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'finalizer',
  description: 'Infers the result from the git provider (PR for the branch, commits) → TaskCompleted / TaskFailed.',
  pattern: taskEvents(...FINALIZER_EVENT_TYPES),
  emits: ['TaskCompleted', 'TaskFailed', 'TaskCancelled'],
  ports: FINALIZER_PORTS,
  create: createFinalizerService,
  lambdaEntry: 'services/tasks/finalizer/handler.ts',
  timeoutSeconds: 60,
});
