/**
 * The credentials functions bound to their adapters, in the shape the REST API takes them
 * (services/api/deps.ts `CredentialsPort`): build once per process, e.g.
 *
 *   credentials: createCredentials({ store, secrets: new FileSecretStore(dir), views: credentialsViews, apiKeyCacheTtlSeconds: 30 })
 *
 * Each call is one command with its own context (`actor` as given, a fresh causation id, the
 * clock's time). A revocation through this object also drops the key from this process's cache.
 */
import { ulid } from 'ulid';
import type { CredentialsViewStore, Page } from '../../projections/credentials-view/credentials-view';
import type { EventStore } from '../kernel/event-store';
import type { SecretStore } from '../ports/secret-store';
import {
  createApiKey,
  createApiKeyAuthenticator,
  listApiKeys,
  revokeApiKey,
  type ApiKeyPrincipal,
  type CreatedApiKey,
  type CredentialSummary,
} from './api-keys';
import type { CredentialsContext } from './context';
import { createWebhook, listWebhooks, revokeWebhook, verifyWebhookRequest, type CreatedWebhook, type WebhookVerification } from './webhooks';

export interface CredentialsOptions {
  readonly store: EventStore;
  readonly secrets: SecretStore;
  readonly views: Pick<CredentialsViewStore, 'listByUser'>;
  readonly now?: () => Date;
  /** Successful API key authentications are cached this long in process (default 0: off). */
  readonly apiKeyCacheTtlSeconds?: number;
}

export interface Credentials {
  authenticateApiKey(rawKey: string): Promise<ApiKeyPrincipal | null>;
  createApiKey(input: { readonly userId: string; readonly name: string }, actor: string): Promise<CreatedApiKey>;
  revokeApiKey(input: { readonly userId: string; readonly keyId: string }, actor: string): Promise<void>;
  listApiKeys(userId: string, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<CredentialSummary>>;
  createWebhook(input: { readonly userId: string; readonly name: string }, actor: string): Promise<CreatedWebhook>;
  revokeWebhook(input: { readonly userId: string; readonly webhookId: string }, actor: string): Promise<void>;
  listWebhooks(userId: string, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<CredentialSummary>>;
  verifyWebhookRequest(input: { readonly webhookId: string; readonly signatureHeader: string; readonly rawBody: Buffer }): Promise<WebhookVerification>;
}

export function createCredentials(options: CredentialsOptions): Credentials {
  const { store, secrets, views } = options;
  const now = options.now ?? (() => new Date());
  const authenticator = createApiKeyAuthenticator(store, { cacheTtlSeconds: options.apiKeyCacheTtlSeconds ?? 0 });
  const context = (actor: string): CredentialsContext => {
    const causationId = `credentials:${ulid()}`;
    return { actor, causationId, correlationId: causationId, now: now() };
  };
  return {
    authenticateApiKey: (rawKey) => authenticator.authenticate(rawKey),
    createApiKey: (input, actor) => createApiKey(store, input, context(actor)),
    async revokeApiKey(input, actor) {
      await revokeApiKey(store, input, context(actor));
      authenticator.forget(input.keyId);
    },
    listApiKeys: (userId, page) => listApiKeys(views, userId, page),
    createWebhook: (input, actor) => createWebhook(store, secrets, input, context(actor)),
    async revokeWebhook(input, actor) {
      await revokeWebhook(store, input, context(actor), { secrets });
    },
    listWebhooks: (userId, page) => listWebhooks(views, userId, page),
    verifyWebhookRequest: (input) => verifyWebhookRequest(store, secrets, input),
  };
}
