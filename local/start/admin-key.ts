/**
 * The administrator's API key: created for user `admin` on the first start, stored in
 * `<data-dir>/admin.key` (mode 0600), reused on later starts as long as it still authenticates as
 * `admin` (a revoked key, a lost data directory or a hand-edited file gets a new one).
 */
import { chmodSync } from 'node:fs';
import path from 'node:path';
import type { CredentialsPort } from '../../services/api/deps';
import { readIfExists, writeFileAtomic } from './files';

export const ADMIN_USER = 'admin';

export function adminKeyFile(dataDir: string): string {
  return path.join(dataDir, 'admin.key');
}

export interface AdminKey {
  readonly key: string;
  readonly file: string;
  readonly status: 'created' | 'reused' | 'replaced';
}

export async function ensureAdminKey(credentials: Pick<CredentialsPort, 'authenticateApiKey' | 'createApiKey'>, dataDir: string): Promise<AdminKey> {
  const file = adminKeyFile(dataDir);
  const stored = readIfExists(file)?.trim();
  if (stored) {
    const principal = await credentials.authenticateApiKey(stored);
    if (principal?.userId === ADMIN_USER) {
      chmodSync(file, 0o600); // exact, even if someone loosened it
      return { key: stored, file, status: 'reused' };
    }
  }
  const created = await credentials.createApiKey({ userId: ADMIN_USER, name: 'npm start (admin)' }, 'system');
  writeFileAtomic(file, `${created.key}\n`, 0o600);
  return { key: created.key, file, status: stored ? 'replaced' : 'created' };
}

/** The stored admin key of a data directory (undefined when there is none). */
export function readAdminKey(dataDir: string): string | undefined {
  return readIfExists(adminKeyFile(dataDir))?.trim() || undefined;
}
