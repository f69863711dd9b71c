/** Cloud factory of the bus (EventBridge, ABCA_EVENT_BUS_NAME). */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeEventBus } from '../../kernel/eventbridge-event-bus';
import { cloudPortsFor, type CloudPortFactory } from '../cloud-ports';
import type { Env } from '../env';
import { traced } from '../instrument';

export const cloudBus: CloudPortFactory<'bus'> = (ctx) => new EventBridgeEventBus({ client: traced(new EventBridgeClient({})), eventBusName: ctx.read(['eventBusName']).eventBusName });

/** The bus only (the outbox publisher). */
export function busFromEnv(env: Env, what: string) {
  return cloudPortsFor(['bus'], { bus: cloudBus }, env, what).bus;
}
