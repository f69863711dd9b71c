/**
 * SecretStore: secrets the platform must read back later (a webhook's HMAC key, which verifies
 * every signed request, so it cannot be kept as a hash only) and that must never appear in an
 * event, a log or an agent's prompt. Events carry the secret's name (a claim check), never its value.
 *
 * Adapters:
 *   - local (one machine): services/adapters/secrets/file-secret-store.ts, one file per secret, mode 0600,
 *     in a folder of mode 0700;
 *   - AWS (not built yet): Secrets Manager, one secret per name under a deployment prefix
 *     (PutSecretValue / CreateSecret, GetSecretValue, DeleteSecret), encrypted with a KMS key the
 *     API's role alone may use.
 *
 * Names are the adapter-independent part: `[A-Za-z0-9][A-Za-z0-9._-]{0,127}` (no `/`, no `..`), so
 * that every adapter can store them as they are.
 */
export interface SecretStore {
  /** Stores (or replaces) the secret `value` under `name`. Resolves once it is durable. */
  put(name: string, value: string): Promise<void>;
  /** The secret stored under `name`, or undefined when there is none. */
  get(name: string): Promise<string | undefined>;
  /** Removes the secret; removing a secret that does not exist is not an error. */
  delete(name: string): Promise<void>;
}

/** Valid secret names, for every adapter. */
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Largest secret value accepted (Secrets Manager's limit is 64 KB). */
export const MAX_SECRET_BYTES = 64 * 1024;

export class SecretNameError extends Error {
  constructor(name: unknown) {
    super(`invalid secret name ${JSON.stringify(typeof name === 'string' ? name.slice(0, 140) : String(name))}: use 1-128 of A-Z a-z 0-9 . _ - starting with a letter or digit`);
    this.name = 'SecretNameError';
  }
}

/** Throws SecretNameError unless `name` is a valid secret name. */
export function checkSecretName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) throw new SecretNameError(name);
}
