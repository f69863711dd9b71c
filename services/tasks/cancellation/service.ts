/**
 * The cancellation service: TaskCancellationRequested on a RUNNING task → the compute session is
 * stopped → TaskCancelled (see cancel.ts). Earlier tasks were cancelled at once by the decider.
 */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { PortsOf } from '../../ports/ports';
import { completeCancellation } from './cancel';

export const CANCELLATION_EVENT_TYPES = ['TaskCancellationRequested'] as const;

export const CANCELLATION_PORTS = ['store', 'now', 'compute', 'scheduler'] as const;
export type CancellationPorts = PortsOf<typeof CANCELLATION_PORTS>;

export function createCancellationService(deps: CancellationPorts): ServiceHandlers {
  return {
    async onEvent(event, ctx) {
      if (event.type !== 'TaskCancellationRequested') return;
      const context = { correlationId: event.correlationId, causationId: event.id, actor: 'service:cancellation', now: deps.now() };
      const outcome = await completeCancellation(deps, event.stream.id, context, ctx.logger);
      if (outcome.status === 'skipped') ctx.logger.info('nothing to stop', { taskId: event.stream.id, reason: outcome.reason });
    },
  };
}
