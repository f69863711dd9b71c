/**
 * The credentials view on the embedded platform: keys and webhooks created through the library
 * reach the view through the outbox, the local EventBridge (the catalog entry's pattern on
 * `abca.api-key` / `abca.webhook`) and the projector — and how long that takes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '../../local/platform/platform';
import { FileSecretStore } from '../../services/adapters/secrets/file-secret-store';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/credentials/api-keys';
import { createWebhook, listWebhooks } from '../../services/credentials/webhooks';
import { startTestPlatform, waitUntil } from '../../test/support/platform';

let platform: Platform;
let dir: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = mkdtempSync(path.join(os.tmpdir(), 'abca-crp-test-'));
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = () => ({ actor: 'user:dana', causationId: `req-${Date.now()}`, now: new Date() });

test('a new key, a new webhook and a revocation show in the lists within well under a second', async () => {
  const views = platform.views.credentialsViews;
  let started = Date.now();
  const key = await createApiKey(platform.store, { userId: 'dana', name: 'platform' }, ctx());
  await waitUntil(async () => (await listApiKeys(views, 'dana', { limit: 10 })).items.some((i) => i.id === key.keyId), 10_000, 'the key in the list');
  const keyDelay = Date.now() - started;

  started = Date.now();
  const hook = await createWebhook(platform.store, new FileSecretStore(dir), { userId: 'dana', name: 'platform-hook' }, ctx());
  await waitUntil(async () => (await listWebhooks(views, 'dana', { limit: 10 })).items.some((i) => i.id === hook.webhookId), 10_000, 'the webhook in the list');
  const hookDelay = Date.now() - started;

  started = Date.now();
  await revokeApiKey(platform.store, { userId: 'dana', keyId: key.keyId }, ctx());
  await waitUntil(async () => ((await views.get('api_key', key.keyId))?.revokedAt ? true : undefined), 10_000, 'the revocation in the view');
  const revokeDelay = Date.now() - started;

  // Generous bound against a loaded machine; about 200-300 ms each when measured here.
  expect(Math.max(keyDelay, hookDelay, revokeDelay)).toBeLessThan(3_000);
}, 40_000);
