import { deciderSpec, type GivenEvent } from '../kernel/testing/given-when-then';
import { webhookDecider, type WebhookCommand, type WebhookEventType } from './webhook-decider';

const { given } = deciderSpec(webhookDecider);
const ID = 'fedcba9876543210';

const create = (overrides: Partial<Extract<WebhookCommand, { type: 'CreateWebhook' }>> = {}): WebhookCommand => ({
  type: 'CreateWebhook',
  webhookId: ID,
  userId: 'u-1',
  name: 'ci pipeline',
  secretRef: `webhook-${ID}`,
  ...overrides,
});
const revoke = (userId = 'u-1'): WebhookCommand => ({ type: 'RevokeWebhook', webhookId: ID, userId, revokedBy: `user:${userId}` });

const created: GivenEvent<WebhookEventType> = { type: 'WebhookCreated', data: { webhookId: ID, userId: 'u-1', name: 'ci pipeline', secretRef: `webhook-${ID}` } };
const revoked: GivenEvent<WebhookEventType> = { type: 'WebhookRevoked', data: { revokedBy: 'user:u-1' } };

describe('CreateWebhook', () => {
  it('creates the webhook with a reference to its secret', () => {
    given([]).when(create()).then([created]);
  });

  it('a repeated creation (redelivery) does nothing; another creation under the same id is refused', () => {
    given([created]).when(create()).thenNothing();
    given([created]).when(create({ name: 'other' })).thenThrows('WEBHOOK_ID_TAKEN', /already in use/);
    given([created, revoked]).when(create({ userId: 'u-2' })).thenThrows('WEBHOOK_ID_TAKEN');
  });

  it.each(['a', '', ' leading', 'trailing ', 'semi;colon', 'x'.repeat(65), 'dot.name', '-dash'])('refuses the name %j (API.md rule)', (name) => {
    given([]).when(create({ name })).thenThrows('VALIDATION_ERROR', /webhook name must be 2-64 characters/);
  });

  it.each(['ab', 'My Hook_1-2', 'x'.repeat(64)])('accepts the name %j', (name) => {
    expect(given([]).when(create({ name })).events()).toHaveLength(1);
  });

  it('refuses a malformed secret name or user id', () => {
    given([]).when(create({ secretRef: '../escape' })).thenThrows('VALIDATION_ERROR', /secretRef must match pattern/);
    given([]).when(create({ userId: '' })).thenThrows('VALIDATION_ERROR', /userId/);
  });
});

describe('RevokeWebhook', () => {
  it('revokes an active webhook of the user', () => {
    given([created]).when(revoke()).then([revoked]);
  });

  it('revoking twice is refused (409)', () => {
    given([created, revoked]).when(revoke()).thenThrows('WEBHOOK_ALREADY_REVOKED', /already revoked/);
  });

  it('a missing webhook and another user\'s webhook give the same not-found error', () => {
    const missing = given([]).when(revoke()).thenThrows('WEBHOOK_NOT_FOUND', /bgagent webhook list/);
    const foreign = given([created]).when(revoke('u-2')).thenThrows('WEBHOOK_NOT_FOUND');
    expect(foreign.message).toBe(missing.message);
    given([created, revoked]).when(revoke('u-2')).thenThrows('WEBHOOK_NOT_FOUND');
  });
});

test('state: status, owner, secret reference and times', () => {
  expect(given([created, revoked]).state()).toEqual({
    status: 'REVOKED',
    webhookId: ID,
    userId: 'u-1',
    name: 'ci pipeline',
    secretRef: `webhook-${ID}`,
    createdAt: '2025-01-01T00:00:00.000Z',
    revokedAt: '2025-01-01T00:00:01.000Z',
  });
});
