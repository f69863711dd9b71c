/**
 * Webhooks (stream `Webhook#<webhookId>`), as the REST API uses them: create (the secret is shown
 * once), revoke, list, and verify a signed request to POST /v1/webhooks/tasks.
 *
 * The secret: 32 bytes from crypto.randomBytes as 64 lowercase hex characters. Callers sign the
 * exact raw request body with it: `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, body)>`,
 * the HMAC key being the secret's text (its 64 characters, UTF-8), as GitHub-style webhooks do.
 * Since every request is verified with it, the secret cannot be kept as a hash: it lives in the
 * SecretStore (services/ports/secret-store.ts) under `webhook-<webhookId>`, and WebhookCreated
 * carries only that name (`secretRef`). It never reaches an event or a log.
 *
 * Ordering, so that a crash can only leave harmless debris:
 *   create: input checked → secret written → WebhookCreated appended. A crash in between leaves at
 *           worst an orphan secret (no event names it), never a webhook without its secret. When
 *           the domain refuses the creation (nothing appended), the secret is deleted again; on any
 *           other failure it is left alone (the append may have landed).
 *   revoke: WebhookRevoked appended → secret deleted (when a SecretStore is given). A revoked
 *           webhook is refused before its secret is read, so a failed deletion harms nothing.
 *
 * Lists come from the credentials view (eventually consistent; see projections/credentials-view).
 */
import { randomBytes } from 'node:crypto';
import type { CredentialsViewStore, Page } from '../../projections/credentials-view/credentials-view';
import { handleCommand } from '../kernel/command-handler';
import { loadAggregate } from '../kernel/load-aggregate';
import type { EventStore } from '../kernel/event-store';
import { DomainError, isDomainError } from '../kernel/errors';
import { signatureMatches, signBody } from '../kernel/hmac-signature';
import type { SecretStore } from '../ports/secret-store';
import { webhookStream } from '../streams';
import { toSummary, type CredentialSummary } from './api-keys';
import { isCredentialId, newCredentialId } from './common';
import { commandContext, type CredentialsContext } from './context';
import { checkCreateWebhook, webhookDecider, type CreateWebhook, type WebhookErrorCode } from './webhook-decider';

/** The signature header's scheme: `sha256=` and the hex HMAC. */
const SIGNATURE_SHAPE = /^sha256=[0-9a-fA-F]{64}$/;

export type WebhookVerification =
  | { readonly ok: true; readonly userId: string; readonly webhookId: string }
  | { readonly ok: false; readonly reason: 'unknown_webhook' | 'revoked' | 'bad_signature' | 'malformed' };

export interface CreatedWebhook {
  readonly webhookId: string;
  readonly name: string;
  /** 64 hex characters: shown to the user once. */
  readonly secret: string;
  readonly createdAt: string;
}

/** The secret store name of a webhook's HMAC secret. */
export const webhookSecretRef = (webhookId: string): string => `webhook-${webhookId}`;

/** `sha256=<hex>`: the signature header value for `rawBody` (what a caller computes). */
export function signWebhookBody(secret: string, rawBody: string | Buffer): string {
  return signBody(secret, rawBody);
}

// ── commands ────────────────────────────────────────────────────────────────────────────────────

/**
 * Creates a webhook for `userId` and returns its secret (the only time it leaves the secret store).
 * Errors: VALIDATION_ERROR (name: the rule of CreateWebhookRequest, docs/API.md), before anything is written.
 */
export async function createWebhook(
  store: EventStore,
  secrets: SecretStore,
  input: { readonly userId: string; readonly name: string },
  ctx: CredentialsContext,
): Promise<CreatedWebhook> {
  const webhookId = newCredentialId();
  const secretRef = webhookSecretRef(webhookId);
  const command: CreateWebhook = { type: 'CreateWebhook', webhookId, userId: input.userId, name: input.name, secretRef };
  checkCreateWebhook(command); // bad input is refused before the secret is written
  const secret = randomBytes(32).toString('hex');
  await secrets.put(secretRef, secret);
  try {
    await handleCommand(store, webhookDecider, webhookStream(webhookId), command, commandContext(ctx));
  } catch (err) {
    // A DomainError means nothing of ours was appended: the secret has no webhook. Any other error
    // may follow an append that landed, so the secret stays (at worst an orphan).
    if (isDomainError(err)) await secrets.delete(secretRef).catch(() => undefined);
    throw err;
  }
  return { webhookId, name: input.name, secret, createdAt: ctx.now.toISOString() };
}

/**
 * Revokes one of the user's webhooks (soft delete: it stays listed with its revocation time).
 * Errors: WEBHOOK_NOT_FOUND (no such webhook, or another user's: the API answers 404 either way),
 * WEBHOOK_ALREADY_REVOKED (409). With `options.secrets`, the secret is deleted afterwards
 * (best effort: `secretDeleted` says whether it was).
 */
export async function revokeWebhook(
  store: EventStore,
  input: { readonly userId: string; readonly webhookId: string },
  ctx: CredentialsContext,
  options: { readonly secrets?: SecretStore } = {},
): Promise<{ readonly webhookId: string; readonly revokedAt: string; readonly secretDeleted: boolean }> {
  if (!isCredentialId(input.webhookId)) {
    throw new DomainError<WebhookErrorCode>(
      'WEBHOOK_NOT_FOUND',
      `No webhook ${JSON.stringify(String(input.webhookId).slice(0, 64))} among yours; list your webhooks with \`bgagent webhook list\`.`,
      { webhookId: input.webhookId },
    );
  }
  const result = await handleCommand(
    store,
    webhookDecider,
    webhookStream(input.webhookId),
    { type: 'RevokeWebhook', webhookId: input.webhookId, userId: input.userId, revokedBy: ctx.actor },
    commandContext(ctx),
  );
  const revokedAt = result.result.revokedAt ?? ctx.now.toISOString();
  let secretDeleted = false;
  if (options.secrets && result.result.secretRef !== null) {
    secretDeleted = await options.secrets.delete(result.result.secretRef).then(
      () => true,
      () => false,
    );
  }
  return { webhookId: input.webhookId, revokedAt, secretDeleted };
}

// ── verification ────────────────────────────────────────────────────────────────────────────────

/**
 * Checks a request to POST /v1/webhooks/tasks: the webhook exists and is active, and the signature
 * header is `sha256=<hex HMAC-SHA256(secret, rawBody)>` (compared in constant time on equal-length
 * buffers, by services/kernel/hmac-signature.ts). `rawBody` must be the exact bytes received
 * (decode API Gateway's base64 first).
 *
 *   malformed        the webhook id is missing or not an id, or the body is not a string/bytes
 *   unknown_webhook  no such webhook                                     → API: 403 FORBIDDEN
 *   revoked          the webhook was revoked                             → API: 403 FORBIDDEN
 *   bad_signature    the header is missing, malformed, or does not match → API: 401 UNAUTHORIZED
 *
 * Never throws on its input. Throws when the store fails, or when an active webhook's secret is
 * missing from the secret store (a fault of the platform, not of the caller).
 */
export async function verifyWebhookRequest(
  store: Pick<EventStore, 'readStream'>,
  secrets: Pick<SecretStore, 'get'>,
  request: { readonly webhookId: unknown; readonly signatureHeader: unknown; readonly rawBody: unknown },
): Promise<WebhookVerification> {
  const { webhookId, signatureHeader, rawBody } = request;
  if (!isCredentialId(webhookId)) return { ok: false, reason: 'malformed' };
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) return { ok: false, reason: 'malformed' };
  const state = await loadAggregate(store, webhookStream(webhookId), webhookDecider);
  if (state.status === 'NONE' || state.userId === null || state.secretRef === null) return { ok: false, reason: 'unknown_webhook' };
  if (state.status === 'REVOKED') return { ok: false, reason: 'revoked' };

  if (typeof signatureHeader !== 'string' || !SIGNATURE_SHAPE.test(signatureHeader.trim())) return { ok: false, reason: 'bad_signature' };
  const secret = await secrets.get(state.secretRef);
  if (secret === undefined) throw new Error(`webhook ${webhookId}: its secret ${state.secretRef} is missing from the secret store`);
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  // Constant time on two equal-length values (services/kernel/hmac-signature.ts).
  if (!signatureMatches(secret, body, signatureHeader)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, userId: state.userId, webhookId };
}

// ── listing ─────────────────────────────────────────────────────────────────────────────────────

/** The user's webhooks (active and revoked), newest first, from the credentials view (eventually consistent). */
export async function listWebhooks(
  views: Pick<CredentialsViewStore, 'listByUser'>,
  userId: string,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<Page<CredentialSummary>> {
  const { items, nextCursor } = await views.listByUser(userId, 'webhook', { limit: page.limit, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
  return { items: items.map(toSummary), ...(nextCursor === undefined ? {} : { nextCursor }) };
}
