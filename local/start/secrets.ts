/**
 * Secrets `npm start` keeps across restarts, in `<data-dir>/secrets/` (folder 0700, one 0600 file
 * each, through the FileSecretStore): the page-token key (so `next_token`s survive a restart) and
 * the forge token (so clone URLs stay the same). Webhook secrets live in `secrets/webhooks/`.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { FileSecretStore } from '../../services/adapters/secrets/file-secret-store';

const PAGE_TOKEN_SECRET = 'page-token';
const FORGE_TOKEN_SECRET = 'forge-token';

export function secretsDir(dataDir: string): string {
  return path.join(dataDir, 'secrets');
}

export function webhookSecretsDir(dataDir: string): string {
  return path.join(secretsDir(dataDir), 'webhooks');
}

/** The secret `name`, created with `make` on first use. */
async function persistentSecret(store: FileSecretStore, name: string, make: () => string): Promise<string> {
  const existing = (await store.get(name))?.trim();
  if (existing) return existing;
  const value = make();
  await store.put(name, value);
  return value;
}

export interface PlatformSecrets {
  readonly pageTokenSecret: string;
  readonly forgeToken: string;
}

export async function loadPlatformSecrets(dataDir: string): Promise<PlatformSecrets> {
  const store = new FileSecretStore(secretsDir(dataDir));
  return {
    pageTokenSecret: await persistentSecret(store, PAGE_TOKEN_SECRET, () => randomBytes(32).toString('base64url')),
    forgeToken: await persistentSecret(store, FORGE_TOKEN_SECRET, () => `abca_forge_${randomBytes(16).toString('hex')}`),
  };
}

/** The forge token of a data directory, for `npm run demo` (undefined before the first start). */
export async function readForgeToken(dataDir: string): Promise<string | undefined> {
  return (await new FileSecretStore(secretsDir(dataDir)).get(FORGE_TOKEN_SECRET))?.trim() || undefined;
}
