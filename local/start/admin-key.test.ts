import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminKeyFile, ensureAdminKey, readAdminKey } from './admin-key';

function fakeCredentials() {
  const keys = new Map<string, string>();
  let n = 0;
  return {
    keys,
    created: () => n,
    async authenticateApiKey(raw: string) {
      const userId = keys.get(raw);
      return userId ? { userId, keyId: raw } : null;
    },
    async createApiKey(input: { userId: string; name: string }) {
      n++;
      const key = `bgak_k${n}_secret${n}`;
      keys.set(key, input.userId);
      return { keyId: `k${n}`, key, name: input.name, createdAt: new Date().toISOString() };
    },
  };
}

let dataDir: string;
beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), 'abca-start-admin-'))));
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the admin API key', () => {
  test('created once (0600), then reused while it authenticates as admin', async () => {
    const creds = fakeCredentials();
    const first = await ensureAdminKey(creds, dataDir);
    expect(first).toEqual({ key: 'bgak_k1_secret1', file: adminKeyFile(dataDir), status: 'created' });
    expect(readFileSync(first.file, 'utf8')).toBe('bgak_k1_secret1\n');
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    chmodSync(first.file, 0o644);
    const again = await ensureAdminKey(creds, dataDir);
    expect(again).toMatchObject({ key: 'bgak_k1_secret1', status: 'reused' });
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(creds.created()).toBe(1);
    expect(readAdminKey(dataDir)).toBe('bgak_k1_secret1');
  });

  test('a key that no longer authenticates (or not as admin) is replaced', async () => {
    const creds = fakeCredentials();
    writeFileSync(adminKeyFile(dataDir), 'bgak_gone_secret\n');
    expect(await ensureAdminKey(creds, dataDir)).toMatchObject({ key: 'bgak_k1_secret1', status: 'replaced' });
    creds.keys.set('bgak_x_someone', 'grace');
    writeFileSync(adminKeyFile(dataDir), 'bgak_x_someone');
    expect(await ensureAdminKey(creds, dataDir)).toMatchObject({ key: 'bgak_k2_secret2', status: 'replaced' });
  });
});
