/** The session service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { createSessionService, SESSION_EVENT_TYPES, SESSION_PORTS } from './service';

export const sessionEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'session',
  description: "Starts the agent session on the repo's compute → SessionStarted; schedules the deadline.",
  pattern: taskEvents(...SESSION_EVENT_TYPES),
  emits: ['SessionStarted', 'TaskFailed'],
  ports: SESSION_PORTS,
  create: createSessionService,
  lambdaEntry: 'services/tasks/session/handler.ts',
  timeoutSeconds: 120,
  reservedConcurrency: 20,
});
