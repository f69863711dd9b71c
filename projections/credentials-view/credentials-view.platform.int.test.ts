/**
 * The credentials view on the embedded platform: keys and webhooks created through the library
 * reach the view through the outbox, the local EventBridge (the catalog entry's pattern on
 * `abca.api-key` / `abca.webhook`) and the projector.
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
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = () => ({ actor: 'user:dana', causationId: `req-${Date.now()}`, now: new Date() });

test('a new key, a new webhook and a revocation show in the lists', async () => {
  // Each waits for the view itself. How long the path takes is measured by `npm run bench:pipeline`
  // on a quiet machine: a bound here (it was < 3 s) failed on a loaded one without saying anything
  // about correctness.
  const views = platform.views.credentialsViews;
  const key = await createApiKey(platform.store, { userId: 'dana', name: 'platform' }, ctx());
  await waitUntil(async () => (await listApiKeys(views, 'dana', { limit: 10 })).items.some((i) => i.id === key.keyId), 60_000, 'the key in the list');

  const hook = await createWebhook(platform.store, new FileSecretStore(dir), { userId: 'dana', name: 'platform-hook' }, ctx());
  await waitUntil(async () => (await listWebhooks(views, 'dana', { limit: 10 })).items.some((i) => i.id === hook.webhookId), 60_000, 'the webhook in the list');

  await revokeApiKey(platform.store, { userId: 'dana', keyId: key.keyId }, ctx());
  await waitUntil(async () => ((await views.get('api_key', key.keyId))?.revokedAt ? true : undefined), 60_000, 'the revocation in the view');
}, 120_000);
