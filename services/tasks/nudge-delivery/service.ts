/**
 * The nudge-delivery service: NudgeReceived → the nudge is written to its task's inbox in the blob
 * store (inbox.ts), where the agent picks it up between turns. It reads nothing and appends no
 * event: a nudge for a task that has ended since is written all the same and simply never read
 * (cheaper than a store read per nudge, and a late redelivery cannot go wrong).
 */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { ServiceDeps } from '../../deps';
import { writeNudge } from './inbox';

export const NUDGE_DELIVERY_EVENT_TYPES = ['NudgeReceived'] as const;

export function createNudgeDeliveryService(deps: Pick<ServiceDeps, 'blobs'>): ServiceHandlers {
  return {
    async onEvent(event, ctx) {
      if (event.type !== 'NudgeReceived') return;
      const ref = await writeNudge(deps.blobs, event);
      ctx.logger.info('nudge written to the inbox', { taskId: event.stream.id, nudgeId: event.data.nudgeId, ref });
    },
  };
}
