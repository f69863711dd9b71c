/**
 * The finalizer service: SessionEnded → the result is inferred from the git provider (pull request
 * for the branch, commits) → TaskCompleted / TaskFailed; the deadline schedule is cancelled.
 */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { PortsOf } from '../../ports/ports';
import { finalizeTask } from './finalize';

export const FINALIZER_EVENT_TYPES = ['SessionEnded'] as const;

export const FINALIZER_PORTS = ['store', 'now', 'git', 'scheduler'] as const;
export type FinalizerPorts = PortsOf<typeof FINALIZER_PORTS>;

export function createFinalizerService(deps: FinalizerPorts): ServiceHandlers {
  return {
    async onEvent(event, ctx) {
      if (event.type !== 'SessionEnded') return;
      const context = { correlationId: event.correlationId, causationId: event.id, actor: 'service:finalizer', now: deps.now() };
      const outcome = await finalizeTask(deps, event.stream.id, context, ctx.logger);
      if (outcome.status === 'skipped') ctx.logger.info('nothing to finalize', { taskId: event.stream.id, reason: outcome.reason });
    },
  };
}
