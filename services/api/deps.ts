/**
 * What the REST API needs, built once per process (Lambda cold start, or the embedded platform):
 * its ports (API_PORTS, built through the Lambda's or the platform's registry) and its own
 * settings. The handler itself holds no state: every request reads the store and the views.
 */
import type { Logger } from '../kernel/logger';
import type { Ports } from '../ports/ports';
import type { TaskViewStore } from '../../projections/task-view/task-view';
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

/** The ports the API is built from; `credentialsViews` goes into its credentials service. */
export const API_PORTS = ['store', 'now', 'blobs', 'taskViews', 'credentialsViews', 'progressViews', 'progressEvents'] as const;

export interface ApiDeps extends Pick<Ports, 'store' | 'now' | 'blobs' | 'progressViews' | 'progressEvents'> {
  /** Read only: the API never writes a view. */
  readonly taskViews: TaskViewStore;
  readonly credentials: CredentialsPort;
  /** null: JWTs are not accepted (API keys only). */
  readonly jwt: JwtAuthenticator | null;
  readonly pageTokens: PageTokens;
  readonly rateLimiter: RateLimiter;
  /** User ids that may onboard repositories. */
  readonly admins: ReadonlySet<string>;
  /** The secret of GitHub's webhook deliveries (X-Hub-Signature-256); null: POST /v1/github/events is refused. */
  readonly githubWebhookSecret: ApiSecret | null;
  readonly logger: Logger;
}

/**
 * A secret the API reads when it needs it: in AWS from Secrets Manager, cached for its max age
 * (services/adapters/secrets/secrets-manager-reader.ts), so a rotated secret is used without a
 * cold start; on one machine a fixed value.
 */
export interface ApiSecret {
  /** The current value (cached). */
  read(): Promise<string>;
  /** After a refusal (a signature that does not match): a fresh value if one may be fetched now, else the cached one. */
  reread(): Promise<string>;
}

/** A secret that never changes (the embedded platform's settings, tests). */
export function fixedSecret(value: string): ApiSecret {
  const read = async () => value;
  return { read, reread: read };
}
