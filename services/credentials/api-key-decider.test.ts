import { deciderSpec, type GivenEvent } from '../kernel/testing/given-when-then';
import { apiKeyDecider, type ApiKeyCommand, type ApiKeyEventType } from './api-key-decider';

const { given } = deciderSpec(apiKeyDecider);
const KEY = '0123456789abcdef';
const HASH = 'a'.repeat(64);

const create = (overrides: Partial<Extract<ApiKeyCommand, { type: 'CreateApiKey' }>> = {}): ApiKeyCommand => ({
  type: 'CreateApiKey',
  keyId: KEY,
  userId: 'u-1',
  name: 'laptop',
  secretHash: HASH,
  createdBy: 'user:u-1',
  ...overrides,
});
const revoke = (userId = 'u-1'): ApiKeyCommand => ({ type: 'RevokeApiKey', keyId: KEY, userId, revokedBy: `user:${userId}` });

const created: GivenEvent<ApiKeyEventType> = {
  type: 'ApiKeyCreated',
  data: { keyId: KEY, userId: 'u-1', name: 'laptop', secretHash: HASH, createdBy: 'user:u-1' },
};
const revoked: GivenEvent<ApiKeyEventType> = { type: 'ApiKeyRevoked', data: { revokedBy: 'user:u-1' } };

describe('CreateApiKey', () => {
  it('creates the key, recording only the hash of its secret', () => {
    given([]).when(create()).then([created]);
  });

  it('a repeated creation (redelivery) does nothing; another creation under the same id is refused', () => {
    given([created]).when(create()).thenNothing();
    given([created]).when(create({ secretHash: 'b'.repeat(64) })).thenThrows('API_KEY_ID_TAKEN', /already in use/);
    given([created]).when(create({ userId: 'u-2', createdBy: 'user:u-2' })).thenThrows('API_KEY_ID_TAKEN');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'x'.repeat(65)],
    ['with a control character', 'a\nb'],
  ])('refuses a name that is %s', (_what, name) => {
    given([]).when(create({ name })).thenThrows('VALIDATION_ERROR', /API key name must be 1-64 characters/);
  });

  it('accepts any printable name of 1-64 characters (counted in characters, not UTF-16 units)', () => {
    given([]).when(create({ name: 'x' })).events();
    given([]).when(create({ name: 'ü'.repeat(64) })).events();
    given([]).when(create({ name: '🔑'.repeat(64) })).events();
  });

  it('refuses a malformed hash, key id or user id', () => {
    given([]).when(create({ secretHash: 'nothex' })).thenThrows('VALIDATION_ERROR', /secretHash must match pattern/);
    given([]).when(create({ keyId: 'BAD_ID' })).thenThrows('VALIDATION_ERROR', /keyId must match pattern/);
    given([]).when(create({ userId: 'has space' })).thenThrows('VALIDATION_ERROR', /userId must match pattern/);
  });
});

describe('RevokeApiKey', () => {
  it('revokes an active key of the user', () => {
    given([created]).when(revoke()).then([revoked]);
  });

  it('revoking twice is refused (409)', () => {
    given([created, revoked]).when(revoke()).thenThrows('API_KEY_ALREADY_REVOKED', /already revoked at 2025-01-01T00:00:01.000Z/);
  });

  it('a missing key and another user\'s key give the same not-found error (ids cannot be probed)', () => {
    const missing = given([]).when(revoke()).thenThrows('API_KEY_NOT_FOUND');
    const foreign = given([created]).when(revoke('u-2')).thenThrows('API_KEY_NOT_FOUND');
    expect(foreign.message).toBe(missing.message);
    expect(foreign.details).toEqual(missing.details);
    // Even revoked, another user's key is "not found", not "already revoked".
    given([created, revoked]).when(revoke('u-2')).thenThrows('API_KEY_NOT_FOUND');
  });
});

test('state: status, owner, hash, creator and times', () => {
  expect(given([]).state()).toEqual({ status: 'NONE', keyId: null, userId: null, name: null, secretHash: null, createdBy: null, createdAt: null, revokedAt: null });
  expect(given([created, revoked]).state()).toEqual({
    status: 'REVOKED',
    keyId: KEY,
    userId: 'u-1',
    name: 'laptop',
    secretHash: HASH,
    createdBy: 'user:u-1',
    createdAt: '2025-01-01T00:00:00.000Z',
    revokedAt: '2025-01-01T00:00:01.000Z',
  });
});
