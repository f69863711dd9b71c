/**
 * What the REST API needs, built once per process (Lambda cold start, or the embedded platform).
 * The handler itself holds no state: every request reads the store and the views.
 */
import type { EventStore } from '../kernel/event-store';
import type { Logger } from '../kernel/logger';
import type { BlobStore } from '../ports/blob-store';
import type { TaskViewStore } from '../../projections/task-view/task-view';
import type { ProgressEventStore, ProgressViewStore } from '../../projections/progress-view/progress-view';
import type { JwtAuthenticator } from './jwt';
import type { PageTokens } from './page-token';
import type { RateLimiter } from './rate-limit';

/** API keys and webhooks (services/credentials), as the API uses them. */
export interface CredentialsPort {
  authenticateApiKey(rawKey: string): Promise<{ readonly userId: string; readonly keyId: string } | null>;
  createApiKey(input: { readonly userId: string; readonly name: string }, actor: string): Promise<{ readonly keyId: string; readonly key: string; readonly name: string; readonly createdAt: string }>;
  revokeApiKey(input: { readonly userId: string; readonly keyId: string }, actor: string): Promise<void>;
  listApiKeys(userId: string, page: { readonly limit: number; readonly cursor?: string }): Promise<{ readonly items: readonly CredentialItem[]; readonly nextCursor?: string }>;
  createWebhook(input: { readonly userId: string; readonly name: string }, actor: string): Promise<{ readonly webhookId: string; readonly name: string; readonly secret: string; readonly createdAt: string }>;
  revokeWebhook(input: { readonly userId: string; readonly webhookId: string }, actor: string): Promise<void>;
  listWebhooks(userId: string, page: { readonly limit: number; readonly cursor?: string }): Promise<{ readonly items: readonly CredentialItem[]; readonly nextCursor?: string }>;
  verifyWebhookRequest(input: { readonly webhookId: string; readonly signatureHeader: string; readonly rawBody: Buffer }): Promise<
    { readonly ok: true; readonly userId: string; readonly webhookId: string } | { readonly ok: false; readonly reason: 'unknown_webhook' | 'revoked' | 'bad_signature' | 'malformed' }
  >;
}

export interface CredentialItem {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface ApiDeps {
  readonly store: EventStore;
  readonly taskViews: TaskViewStore;
  readonly progressViews: ProgressViewStore;
  readonly progressEvents: ProgressEventStore;
  readonly blobs: BlobStore;
  readonly credentials: CredentialsPort;
  /** null: JWTs are not accepted (API keys only). */
  readonly jwt: JwtAuthenticator | null;
  readonly pageTokens: PageTokens;
  readonly rateLimiter: RateLimiter;
  /** User ids that may onboard repositories. */
  readonly admins: ReadonlySet<string>;
  /** The secret of GitHub's webhook deliveries (X-Hub-Signature-256); null: POST /v1/github/events is refused. */
  readonly githubWebhookSecret: string | null;
  readonly logger: Logger;
  readonly now: () => Date;
}
