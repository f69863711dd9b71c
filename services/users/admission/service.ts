/** The admission service: TaskSubmitted asks for a slot; terminal task events give it back. */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { PortsOf } from '../../ports/ports';
import { TERMINAL_EVENT_STATUS } from '../../tasks/task/task-state';
import { releaseSlot, requestAdmission } from './admission';

export const ADMISSION_EVENT_TYPES = ['TaskSubmitted' as const, ...(Object.keys(TERMINAL_EVENT_STATUS) as (keyof typeof TERMINAL_EVENT_STATUS)[])];

export const ADMISSION_PORTS = ['store', 'now', 'admission'] as const;
export type AdmissionPorts = PortsOf<typeof ADMISSION_PORTS>;

export function createAdmissionService(deps: AdmissionPorts): ServiceHandlers {
  return {
    async onEvent(event) {
      const context = { correlationId: event.correlationId, causationId: event.id, actor: 'service:admission', now: deps.now() };
      if (event.type === 'TaskSubmitted') {
        await requestAdmission(deps.store, deps.admission, event.stream.id, context);
      } else if (event.type in TERMINAL_EVENT_STATUS) {
        const status = TERMINAL_EVENT_STATUS[event.type as keyof typeof TERMINAL_EVENT_STATUS];
        await releaseSlot(deps.store, deps.admission, event.stream.id, status, context);
      }
    },
  };
}
