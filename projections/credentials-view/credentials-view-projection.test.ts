import { matchesPattern } from '../../local/eventbridge/pattern';
import { serviceEntry } from '../../services/catalog';
import { apiKeyDecider, type ApiKeyCommand } from '../../services/credentials/api-key-decider';
import { webhookDecider, type WebhookCommand } from '../../services/credentials/webhook-decider';
import type { EventEnvelope, StreamRef } from '../../services/kernel/envelope';
import { foldView } from '../projection';
import { history, timed } from '../testing/histories';
import { apiKeyViewProjection, CREDENTIALS_VIEW_PROJECTIONS, webhookViewProjection } from './credentials-view-projection';

const KEY = '0123456789abcdef';
const HOOK = 'fedcba9876543210';
const keyStream: StreamRef = { type: 'ApiKey', id: KEY };
const hookStream: StreamRef = { type: 'Webhook', id: HOOK };

const keyHistory = (commands: readonly ApiKeyCommand[]) => history(apiKeyDecider, keyStream, timed(commands));
const hookHistory = (commands: readonly WebhookCommand[]) => history(webhookDecider, hookStream, timed(commands));

const createKey: ApiKeyCommand = { type: 'CreateApiKey', keyId: KEY, userId: 'u-1', name: 'laptop', secretHash: 'c'.repeat(64), createdBy: 'user:u-1' };
const revokeKey: ApiKeyCommand = { type: 'RevokeApiKey', keyId: KEY, userId: 'u-1', revokedBy: 'user:u-1' };
const createHook: WebhookCommand = { type: 'CreateWebhook', webhookId: HOOK, userId: 'u-1', name: 'ci-hook', secretRef: `webhook-${HOOK}` };
const revokeHook: WebhookCommand = { type: 'RevokeWebhook', webhookId: HOOK, userId: 'u-1', revokedBy: 'user:u-1' };

test('an API key: created, then revoked; no hash or secret in the view', () => {
  const events = keyHistory([createKey, revokeKey]);
  expect(foldView(apiKeyViewProjection, KEY, events.slice(0, 1)).view).toEqual({
    userId: 'u-1',
    kind: 'api_key',
    id: KEY,
    name: 'laptop',
    createdAt: '2025-01-01T00:00:00.000Z',
    revokedAt: null,
    lastSequence: 1,
  });
  const view = foldView(apiKeyViewProjection, KEY, events).view!;
  expect(view).toMatchObject({ revokedAt: '2025-01-01T00:01:00.000Z', lastSequence: 2 });
  expect(JSON.stringify(view)).not.toContain('c'.repeat(64));
});

test('a webhook: created, then revoked; no secret reference in the view', () => {
  const events = hookHistory([createHook, revokeHook]);
  const view = foldView(webhookViewProjection, HOOK, events).view!;
  expect(view).toEqual({
    userId: 'u-1',
    kind: 'webhook',
    id: HOOK,
    name: 'ci-hook',
    createdAt: '2025-01-01T00:00:00.000Z',
    revokedAt: '2025-01-01T00:01:00.000Z',
    lastSequence: 2,
  });
});

test('a revocation without its creation folds to no view (nothing stored)', () => {
  const [, revoked] = keyHistory([createKey, revokeKey]);
  expect(apiKeyViewProjection.evolve(null, revoked as EventEnvelope<'ApiKeyRevoked'>)).toBeNull();
});

test('each projection folds its own stream type and event types', () => {
  expect(CREDENTIALS_VIEW_PROJECTIONS.api_key.streamType).toBe('ApiKey');
  expect(CREDENTIALS_VIEW_PROJECTIONS.webhook.streamType).toBe('Webhook');
  expect(apiKeyViewProjection.canHandle('ApiKeyRevoked')).toBe(true);
  expect(apiKeyViewProjection.canHandle('WebhookRevoked')).toBe(false);
  expect(webhookViewProjection.canHandle('WebhookCreated')).toBe(true);
});

test('the catalog entry receives the ApiKey and Webhook events as the bus carries them (source from the stream type)', () => {
  const entry = serviceEntry('credentials-view');
  expect(entry.idempotentByConstruction).toBe(true);
  const onBus = (e: EventEnvelope) => ({ source: e.source, 'detail-type': e.type, detail: e });
  for (const e of [...keyHistory([createKey, revokeKey]), ...hookHistory([createHook, revokeHook])]) {
    expect(matchesPattern(entry.pattern, onBus(e))).toBe(true);
  }
  expect(keyHistory([createKey])[0]!.source).toBe('abca.api-key');
  expect(hookHistory([createHook])[0]!.source).toBe('abca.webhook');
  expect(matchesPattern(entry.pattern, { source: 'abca.task', 'detail-type': 'TaskSubmitted', detail: {} })).toBe(false);
});
