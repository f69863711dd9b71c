/**
 * The credentials view: one item per API key and per webhook, what `GET /v1/api-keys` and
 * `GET /v1/webhooks` list (the caller's own, newest first). Built from the ApiKey and Webhook
 * streams by the credentials-view projections; never holds a secret or a hash.
 *
 * Eventually consistent: a key or webhook appears (or shows its revocation) once the projector
 * has applied the event — on the embedded platform well under a second after the command, in AWS
 * typically about a second (stream → publisher → bus → queue → projector). Authentication and
 * webhook verification never read this view: they fold the stream (strongly consistent).
 */
import type { Page } from '../task-view/task-view';

export type { Page };

export type CredentialKind = 'api_key' | 'webhook';

export const CREDENTIAL_KINDS: readonly CredentialKind[] = ['api_key', 'webhook'];

export interface CredentialView {
  readonly userId: string;
  readonly kind: CredentialKind;
  /** The key id or the webhook id (the stream id). */
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  /** When it was revoked; null while it is active. */
  readonly revokedAt: string | null;
  readonly lastSequence: number;
}

export interface CredentialsViewStore {
  get(kind: CredentialKind, id: string): Promise<CredentialView | undefined>;
  /** A user's keys or webhooks (active and revoked), newest first. */
  listByUser(userId: string, kind: CredentialKind, options: { limit: number; cursor?: string }): Promise<Page<CredentialView>>;
}
