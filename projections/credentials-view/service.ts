/**
 * The credentials-view projector (catalog entry `credentials-view`): every ApiKey event → the
 * key's `api_key` item, every Webhook event → the webhook's `webhook` item. One catalog entry, two
 * projections (one per stream type), dispatched by the event's stream type. The store comes from
 * the `credentialsViews` port (see ../view-stores.ts) unless given.
 */
import type { Ports, PortsOf } from '../../services/ports/ports';
import type { ServiceHandlers } from '../../services/kernel/consumer';
import type { ApplyOptions } from '../apply';
import { createProjector } from '../projector';
import { credentialsViewsOf } from '../view-stores';
import type { CredentialKind } from './credentials-view';
import { apiKeyViewProjection, webhookViewProjection } from './credentials-view-projection';
import type { CredentialKindStore } from './dynamodb-credentials-view-store';

export const CREDENTIALS_VIEW_PORTS = ['store', 'credentialsViews'] as const;

export function createCredentialsViewProjector(
  deps: Omit<PortsOf<typeof CREDENTIALS_VIEW_PORTS>, 'credentialsViews'> & Partial<Pick<Ports, 'credentialsViews'>>,
  store?: { forKind(kind: CredentialKind): CredentialKindStore },
  options?: ApplyOptions,
): ServiceHandlers {
  const views = store ?? credentialsViewsOf(deps);
  const byStreamType: Readonly<Record<string, ServiceHandlers>> = {
    ApiKey: createProjector(apiKeyViewProjection, deps, views.forKind('api_key'), options),
    Webhook: createProjector(webhookViewProjection, deps, views.forKind('webhook'), options),
  };
  return {
    async onEvent(event, ctx) {
      const projector = byStreamType[event.stream.type];
      if (projector === undefined) {
        ctx.logger.debug('event ignored (not an ApiKey or Webhook stream)', { projection: 'credentials-view', stream: event.stream.type, type: event.type });
        return;
      }
      await projector.onEvent!(event, ctx);
    },
  };
}
