/**
 * The nudge-delivery service: NudgeReceived → the nudge is written to its task's inbox in the blob
 * store (inbox.ts), where the agent picks it up between turns. It reads nothing and appends no
 * event: a nudge for a task that has ended since is written all the same and simply never read
 * (cheaper than a store read per nudge, and a late redelivery cannot go wrong).
 */
import type { ServiceHandlers } from '../../kernel/consumer';
import type { PortsOf } from '../../ports/ports';
import { writeNudge } from './inbox';

export const NUDGE_DELIVERY_EVENT_TYPES = ['NudgeReceived'] as const;

export const NUDGE_DELIVERY_PORTS = ['blobs'] as const;
export type NudgeDeliveryPorts = PortsOf<typeof NUDGE_DELIVERY_PORTS>;

export function createNudgeDeliveryService(deps: NudgeDeliveryPorts): ServiceHandlers {
  return {
    async onEvent(event, ctx) {
      if (event.type !== 'NudgeReceived') return;
      const ref = await writeNudge(deps.blobs, event);
      ctx.logger.info('nudge written to the inbox', { taskId: event.stream.id, nudgeId: event.data.nudgeId, ref });
    },
  };
}
