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
 * Bad input (a name outside the rule of CreateWebhookRequest, docs/API.md; a malformed user id or secret name) → VALIDATION_ERROR.
 */
import type { WebhookCreated } from '../../schemas/generated/events/WebhookCreated.v1';
import { assertNever, type Decider } from '../kernel/decider';
import type { DomainEvent } from '../kernel/envelope';
import { DomainError } from '../kernel/errors';
import { checkData, type Actor } from './common';
import { credentialLifecycle, type CredentialState } from './credential-lifecycle';

export type WebhookEventType = 'WebhookCreated' | 'WebhookRevoked';
type WebhookEvent = DomainEvent<WebhookEventType>;
export type { WebhookCreated };

export type WebhookErrorCode = 'VALIDATION_ERROR' | 'WEBHOOK_ID_TAKEN' | 'WEBHOOK_NOT_FOUND' | 'WEBHOOK_ALREADY_REVOKED';

/** The rule for webhook names (CreateWebhookRequest in docs/API.md; 2–64 characters: the rule needs a first and a last character). */
const WEBHOOK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9 _-]{0,62}[a-zA-Z0-9]$/;

// ── commands ────────────────────────────────────────────────────────────────────────────────────

export interface CreateWebhook {
  readonly type: 'CreateWebhook';
  readonly webhookId: string;
  readonly userId: string;
  readonly name: string;
  /** The name of the webhook's HMAC secret in the secret store. */
  readonly secretRef: string;
}

interface RevokeWebhook {
  readonly type: 'RevokeWebhook';
  readonly webhookId: string;
  /** Who asks: only the owner may revoke. */
  readonly userId: string;
  readonly revokedBy: Actor;
}

export type WebhookCommand = CreateWebhook | RevokeWebhook;

// ── state ───────────────────────────────────────────────────────────────────────────────────────

const lifecycle = credentialLifecycle({
  label: 'webhook',
  short: 'webhook',
  plural: 'webhooks',
  listCommand: 'bgagent webhook list',
  idField: 'webhookId',
  created: 'WebhookCreated',
  revoked: 'WebhookRevoked',
  fields: ['webhookId', 'userId', 'name', 'secretRef'],
  identity: ['webhookId', 'userId', 'name', 'secretRef'],
  codes: { taken: 'WEBHOOK_ID_TAKEN', notFound: 'WEBHOOK_NOT_FOUND', alreadyRevoked: 'WEBHOOK_ALREADY_REVOKED' } satisfies Record<string, WebhookErrorCode>,
});

export type WebhookState = CredentialState<WebhookCreated>;
const initialWebhookState = lifecycle.initialState;
const evolveWebhook = lifecycle.evolve;

// ── decide ──────────────────────────────────────────────────────────────────────────────────────

function webhookNameIssue(name: unknown): string | null {
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

function decideWebhook(command: WebhookCommand, state: WebhookState): WebhookEvent[] {
  switch (command.type) {
    case 'CreateWebhook':
      return lifecycle.create(checkCreateWebhook(command), state);
    case 'RevokeWebhook':
      return lifecycle.revoke(command.webhookId, command.userId, { revokedBy: command.revokedBy }, state);
    default:
      return assertNever(command, 'Webhook command');
  }
}

export const webhookDecider: Decider<WebhookCommand, WebhookState, WebhookEventType> = {
  initialState: initialWebhookState,
  evolve: evolveWebhook,
  decide: decideWebhook,
  commandEvents: { CreateWebhook: ['WebhookCreated'], RevokeWebhook: ['WebhookRevoked'] },
};
