/**
 * The hydration service: TaskAdmitted → the prompt is assembled (through the ContextSource port) and
 * stored → ContextHydrated; or HydrationFailed + TaskFailed when it cannot be (see hydrate-task.ts).
 */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { PortsOf } from '../../ports/ports';
import { contextSourceOf, hydrateTask } from './hydrate-task';

export const HYDRATION_EVENT_TYPES = ['TaskAdmitted'] as const;

export const HYDRATION_PORTS = ['store', 'now', 'git', 'blobs', 'memory', 'screening', 'contextSource'] as const;
export type HydrationPorts = PortsOf<typeof HYDRATION_PORTS>;

export function createHydrationService(deps: HydrationPorts): ServiceHandlers {
  const source = contextSourceOf(deps);
  return {
    async onEvent(event, ctx) {
      if (event.type !== 'TaskAdmitted') return;
      const context = { correlationId: event.correlationId, causationId: event.id, actor: 'service:hydration', now: deps.now() };
      const outcome = await hydrateTask(deps, source, event.stream.id, context, ctx.logger);
      if (outcome.status === 'skipped') ctx.logger.info('nothing to hydrate', { taskId: event.stream.id, reason: outcome.reason });
    },
  };
}
