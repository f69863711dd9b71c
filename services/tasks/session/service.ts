/**
 * The session service: ContextHydrated → the agent session starts on the repo's compute →
 * SessionStarted, and the deadline is scheduled durably (see start-session.ts).
 */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { PortsOf } from '../../ports/ports';
import { startTaskSession } from './start-session';

export const SESSION_EVENT_TYPES = ['ContextHydrated'] as const;

export const SESSION_PORTS = ['store', 'now', 'compute', 'scheduler'] as const;
export type SessionPorts = PortsOf<typeof SESSION_PORTS>;

export function createSessionService(deps: SessionPorts): ServiceHandlers {
  return {
    async onEvent(event, ctx) {
      if (event.type !== 'ContextHydrated') return;
      const context = { correlationId: event.correlationId, causationId: event.id, actor: 'service:session', now: deps.now() };
      const outcome = await startTaskSession(deps, event.stream.id, context, ctx.logger);
      if (outcome.status === 'skipped') ctx.logger.info('no session to start', { taskId: event.stream.id, reason: outcome.reason });
    },
  };
}
