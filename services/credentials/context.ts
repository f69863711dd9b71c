/** The command context of the credentials functions: the request's, with the correlation id optional. */
import type { CommandContext } from '../kernel/command-handler';

export type CredentialsContext = Omit<CommandContext, 'correlationId'> & {
  /** Ties the flow together (the request id); default: the causation id. */
  readonly correlationId?: string;
};

export function commandContext(ctx: CredentialsContext): CommandContext {
  return { ...ctx, correlationId: ctx.correlationId ?? ctx.causationId };
}
