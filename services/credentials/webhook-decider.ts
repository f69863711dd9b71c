/**
 * The Webhook aggregate (stream `Webhook#<webhookId>`): a webhook is created once and revoked at
 * most once (a soft delete: it stays listed, with its revocation time). Its HMAC secret is not in
 * any event: WebhookCreated names it (`secretRef`) in the secret store (see webhooks.ts).
 *
 *   CreateWebhook  → WebhookCreated; the same creation again (a redelivery) → nothing; another
 *                    creation under an id already in use → WEBHOOK_ID_TAKEN
 *   RevokeWebhook  → WebhookRevoked; a webhook that does not exist OR belongs to another user →
 *                    WEBHOOK_NOT_FOUND (the same error, so that ids cannot be probed; the API
 *                    answers 404); a webhook already revoked → WEBHOOK_ALREADY_REVOKED (409)
 *
 * Bad input (a name outside API.md's rule, a malformed user id or secret name) → VALIDATION_ERROR.
 */
import type { WebhookCreated } from '../../schemas/generated/events/WebhookCreated.v1';
import type { WebhookRevoked } from '../../schemas/generated/events/WebhookRevoked.v1';
import { assertNever, type Decider } from '../kernel/decider';
import type { DomainEvent, FoldableEvent } from '../kernel/envelope';
import { DomainError } from '../kernel/errors';
import { checkData, type Actor } from './common';

export type WebhookEventType = 'WebhookCreated' | 'WebhookRevoked';
export type WebhookEvent = DomainEvent<WebhookEventType>;
export type { WebhookCreated, WebhookRevoked };

export type WebhookErrorCode = 'VALIDATION_ERROR' | 'WEBHOOK_ID_TAKEN' | 'WEBHOOK_NOT_FOUND' | 'WEBHOOK_ALREADY_REVOKED';

/** API.md's rule for webhook names (2–64 characters: the rule needs a first and a last character). */
export const WEBHOOK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9 _-]{0,62}[a-zA-Z0-9]$/;

// ── commands ────────────────────────────────────────────────────────────────────────────────────

export interface CreateWebhook {
  readonly type: 'CreateWebhook';
  readonly webhookId: string;
  readonly userId: string;
  readonly name: string;
  /** The name of the webhook's HMAC secret in the secret store. */
  readonly secretRef: string;
}

export interface RevokeWebhook {
  readonly type: 'RevokeWebhook';
  readonly webhookId: string;
  /** Who asks: only the owner may revoke. */
  readonly userId: string;
  readonly revokedBy: Actor;
}

export type WebhookCommand = CreateWebhook | RevokeWebhook;

// ── state ───────────────────────────────────────────────────────────────────────────────────────

export type WebhookStatus = 'NONE' | 'ACTIVE' | 'REVOKED';

export interface WebhookState {
  readonly status: WebhookStatus;
  readonly webhookId: string | null;
  readonly userId: string | null;
  readonly name: string | null;
  readonly secretRef: string | null;
  readonly createdAt: string | null;
  readonly revokedAt: string | null;
}

export const initialWebhookState = (): WebhookState => ({
  status: 'NONE',
  webhookId: null,
  userId: null,
  name: null,
  secretRef: null,
  createdAt: null,
  revokedAt: null,
});

export function evolveWebhook(state: WebhookState, event: FoldableEvent<WebhookEventType>): WebhookState {
  switch (event.type) {
    case 'WebhookCreated':
      return {
        status: 'ACTIVE',
        webhookId: event.data.webhookId,
        userId: event.data.userId,
        name: event.data.name,
        secretRef: event.data.secretRef,
        createdAt: event.occurredAt,
        revokedAt: null,
      };
    case 'WebhookRevoked':
      return { ...state, status: 'REVOKED', revokedAt: event.occurredAt };
    default:
      return assertNever(event, 'Webhook event');
  }
}

// ── decide ──────────────────────────────────────────────────────────────────────────────────────

export function webhookNameIssue(name: unknown): string | null {
  if (typeof name === 'string' && WEBHOOK_NAME.test(name)) return null;
  const got = typeof name === 'string' ? `got ${[...name].length} characters` : 'got no string';
  return `The webhook name must be 2-64 characters: letters, digits, spaces, "_" or "-", starting and ending with a letter or digit (${got}); e.g. "ci-pipeline".`;
}

/** Refuses a CreateWebhook whose data could not be stored (pure; the library calls it before writing the secret). */
export function checkCreateWebhook(c: CreateWebhook): WebhookCreated {
  const nameIssue = webhookNameIssue(c.name);
  if (nameIssue !== null) throw new DomainError<WebhookErrorCode>('VALIDATION_ERROR', nameIssue, { field: 'name' });
  const data: WebhookCreated = { webhookId: c.webhookId, userId: c.userId, name: c.name, secretRef: c.secretRef };
  checkData('WebhookCreated', data, (issues) => `Invalid webhook: ${issues.join('; ')}.`);
  return data;
}

function notFound(webhookId: string): DomainError<WebhookErrorCode> {
  // The same error (and no detail) whether the webhook is missing or another user's.
  return new DomainError<WebhookErrorCode>('WEBHOOK_NOT_FOUND', `No webhook ${JSON.stringify(webhookId)} among yours; list your webhooks with \`bgagent webhook list\`.`, {
    webhookId,
  });
}

export function decideWebhook(command: WebhookCommand, state: WebhookState): WebhookEvent[] {
  switch (command.type) {
    case 'CreateWebhook': {
      const data = checkCreateWebhook(command);
      if (state.status === 'NONE') return [{ type: 'WebhookCreated', data }];
      if (state.webhookId === data.webhookId && state.userId === data.userId && state.name === data.name && state.secretRef === data.secretRef) return [];
      throw new DomainError<WebhookErrorCode>('WEBHOOK_ID_TAKEN', `The webhook id ${command.webhookId} is already in use; create the webhook again (a new id is drawn).`, {
        webhookId: command.webhookId,
      });
    }
    case 'RevokeWebhook': {
      if (state.status === 'NONE' || state.userId !== command.userId) throw notFound(command.webhookId);
      if (state.status === 'REVOKED') {
        throw new DomainError<WebhookErrorCode>('WEBHOOK_ALREADY_REVOKED', `The webhook ${command.webhookId} was already revoked at ${state.revokedAt}.`, {
          webhookId: command.webhookId,
          revokedAt: state.revokedAt,
        });
      }
      const data: WebhookRevoked = { revokedBy: command.revokedBy };
      checkData('WebhookRevoked', data, (issues) => `Invalid webhook revocation: ${issues.join('; ')}.`);
      return [{ type: 'WebhookRevoked', data }];
    }
    default:
      return assertNever(command, 'Webhook command');
  }
}

export const webhookDecider: Decider<WebhookCommand, WebhookState, WebhookEventType> = {
  initialState: initialWebhookState,
  evolve: evolveWebhook,
  decide: decideWebhook,
};
