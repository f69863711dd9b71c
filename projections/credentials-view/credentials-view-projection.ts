/**
 * The credentials-view projections: the ApiKey stream folded into an `api_key` item, the Webhook
 * stream into a `webhook` item (see credentials-view.ts). A projection folds one stream type, so
 * there are two, sharing one table and one catalog entry (`credentials-view`). Pure.
 */
import { assertNever } from '../../services/kernel/decider';
import type { EventEnvelope } from '../../services/kernel/envelope';
import type { ApiKeyEventType } from '../../services/credentials/api-key-decider';
import type { WebhookEventType } from '../../services/credentials/webhook-decider';
import { handles, type Projection } from '../projection';
import type { CredentialKind, CredentialView } from './credentials-view';

export const CREDENTIALS_VIEW_PROJECTION_NAME = 'credentials-view';

const API_KEY_EVENT_TYPES = ['ApiKeyCreated', 'ApiKeyRevoked'] as const satisfies readonly ApiKeyEventType[];
const WEBHOOK_EVENT_TYPES = ['WebhookCreated', 'WebhookRevoked'] as const satisfies readonly WebhookEventType[];

function evolveApiKeyView(view: CredentialView | null, event: EventEnvelope<ApiKeyEventType>): CredentialView | null {
  switch (event.type) {
    case 'ApiKeyCreated':
      return {
        userId: event.data.userId,
        kind: 'api_key',
        id: event.stream.id,
        name: event.data.name,
        createdAt: event.occurredAt,
        revokedAt: null,
        lastSequence: event.sequence,
      };
    case 'ApiKeyRevoked':
      return view === null ? null : { ...view, revokedAt: event.occurredAt, lastSequence: event.sequence };
    default:
      return assertNever(event, 'ApiKey event');
  }
}

function evolveWebhookView(view: CredentialView | null, event: EventEnvelope<WebhookEventType>): CredentialView | null {
  switch (event.type) {
    case 'WebhookCreated':
      return {
        userId: event.data.userId,
        kind: 'webhook',
        id: event.stream.id,
        name: event.data.name,
        createdAt: event.occurredAt,
        revokedAt: null,
        lastSequence: event.sequence,
      };
    case 'WebhookRevoked':
      return view === null ? null : { ...view, revokedAt: event.occurredAt, lastSequence: event.sequence };
    default:
      return assertNever(event, 'Webhook event');
  }
}

export const apiKeyViewProjection: Projection<CredentialView, ApiKeyEventType> = {
  name: `${CREDENTIALS_VIEW_PROJECTION_NAME}/api-keys`,
  version: 1,
  streamType: 'ApiKey',
  canHandle: handles(API_KEY_EVENT_TYPES),
  initialState: () => null,
  evolve: evolveApiKeyView,
};

export const webhookViewProjection: Projection<CredentialView, WebhookEventType> = {
  name: `${CREDENTIALS_VIEW_PROJECTION_NAME}/webhooks`,
  version: 1,
  streamType: 'Webhook',
  canHandle: handles(WEBHOOK_EVENT_TYPES),
  initialState: () => null,
  evolve: evolveWebhookView,
};

/** The projection of each kind of credential. */
export const CREDENTIALS_VIEW_PROJECTIONS = {
  api_key: apiKeyViewProjection,
  webhook: webhookViewProjection,
} as const satisfies Record<CredentialKind, Projection<CredentialView, ApiKeyEventType> | Projection<CredentialView, WebhookEventType>>;
