/** The admission service's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry, ENTRY_DEFAULTS, taskEvents } from '../../catalog-entry';
import { ADMISSION_EVENT_TYPES, ADMISSION_PORTS, createAdmissionService } from './service';

export const admissionEntry = defineEntry({
  ...ENTRY_DEFAULTS,
  name: 'admission',
  description: 'Per-user cap of active tasks with a FIFO queue (User aggregate); terminal events release slots.',
  pattern: taskEvents(...ADMISSION_EVENT_TYPES),
  ports: ADMISSION_PORTS,
  create: createAdmissionService,
  lambdaEntry: 'services/users/admission/handler.ts',
});
