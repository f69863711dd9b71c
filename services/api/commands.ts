/** The command context of an API request: the request is the cause, the user the actor. */
import type { CommandContext } from '../kernel/command-handler';
import type { RouteContext } from './router';

export function commandContext(ctx: RouteContext, correlationId: string): CommandContext {
  return { correlationId, causationId: ctx.request.requestId, actor: actorOf(ctx), now: ctx.deps.now() };
}

export const actorOf = (ctx: Pick<RouteContext, 'principal'>): string => `user:${ctx.principal.userId}`;
