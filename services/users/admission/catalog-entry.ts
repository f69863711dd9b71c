/** The admission service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { ADMISSION_EVENT_TYPES, ADMISSION_PORTS, createAdmissionService } from './service';

export const admissionEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  kind: 'queue',
  name: 'admission',
  description: 'Per-user cap of active tasks with a FIFO queue (User aggregate); terminal events release slots.',
  pattern: taskEvents(...ADMISSION_EVENT_TYPES),
  // The user's slots and queue, and the task events that go with them in the same append. TaskFailed
  // (QUEUE_TIMEOUT) goes with an expired TaskDequeued, which only the watchdog's ExpireQueue causes,
  // but the code path is shared: the emit check sees what the code can do.
  emits: ['SlotAcquired', 'TaskAdmitted', 'TaskEnqueued', 'TaskQueued', 'SlotReleased', 'TaskDequeued', 'TaskFailed'],
  ports: ADMISSION_PORTS,
  create: createAdmissionService,
  lambdaEntry: 'services/users/admission/handler.ts',
});
