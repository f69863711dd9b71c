/**
 * The ApiKey aggregate (stream `ApiKey#<keyId>`): an API key is created once and revoked at most
 * once. Only the SHA-256 of the key's secret is ever recorded (see api-keys.ts for the key format).
 *
 *   CreateApiKey  → ApiKeyCreated; the same creation again (a redelivery) → nothing; another
 *                   creation under an id already in use → API_KEY_ID_TAKEN
 *   RevokeApiKey  → ApiKeyRevoked; a key that does not exist OR belongs to another user →
 *                   API_KEY_NOT_FOUND (the same error, so that ids cannot be probed; the API answers
 *                   404); a key already revoked → API_KEY_ALREADY_REVOKED (409)
 *
 * Bad input (a name out of bounds, a malformed hash or user id) → VALIDATION_ERROR.
 */
import type { ApiKeyCreated } from '../../schemas/generated/events/ApiKeyCreated.v1';
import { assertNever, type Decider } from '../kernel/decider';
import type { DomainEvent } from '../kernel/envelope';
import { DomainError } from '../kernel/errors';
import { checkData, type Actor } from './common';
import { credentialLifecycle, type CredentialState } from './credential-lifecycle';

export type ApiKeyEventType = 'ApiKeyCreated' | 'ApiKeyRevoked';
type ApiKeyEvent = DomainEvent<ApiKeyEventType>;
export type { ApiKeyCreated };

export type ApiKeyErrorCode = 'VALIDATION_ERROR' | 'API_KEY_ID_TAKEN' | 'API_KEY_NOT_FOUND' | 'API_KEY_ALREADY_REVOKED';

// ── commands ────────────────────────────────────────────────────────────────────────────────────

export interface CreateApiKey {
  readonly type: 'CreateApiKey';
  readonly keyId: string;
  readonly userId: string;
  readonly name: string;
  /** Lowercase hex SHA-256 of the secret part of the key. */
  readonly secretHash: string;
  readonly createdBy: Actor;
}

interface RevokeApiKey {
  readonly type: 'RevokeApiKey';
  readonly keyId: string;
  /** Who asks: only the owner may revoke. */
  readonly userId: string;
  readonly revokedBy: Actor;
}

export type ApiKeyCommand = CreateApiKey | RevokeApiKey;

// ── state ───────────────────────────────────────────────────────────────────────────────────────

const lifecycle = credentialLifecycle({
  label: 'API key',
  short: 'key',
  plural: 'keys',
  listCommand: 'bgagent api-key list',
  idField: 'keyId',
  created: 'ApiKeyCreated',
  revoked: 'ApiKeyRevoked',
  fields: ['keyId', 'userId', 'name', 'secretHash', 'createdBy'],
  identity: ['keyId', 'userId', 'name', 'secretHash'],
  codes: { taken: 'API_KEY_ID_TAKEN', notFound: 'API_KEY_NOT_FOUND', alreadyRevoked: 'API_KEY_ALREADY_REVOKED' } satisfies Record<string, ApiKeyErrorCode>,
});

export type ApiKeyState = CredentialState<ApiKeyCreated>;
const initialApiKeyState = lifecycle.initialState;
const evolveApiKey = lifecycle.evolve;

// ── decide ──────────────────────────────────────────────────────────────────────────────────────

/** Name rules (the schema says the same): 1–64 characters, not blank, no control characters. */
function apiKeyNameIssue(name: unknown): string | null {
  if (typeof name !== 'string') return 'The API key name must be a string.';
  const length = [...name].length;
  if (length < 1 || length > 64 || name.trim() === '' || /[\u0000-\u001F\u007F]/.test(name)) {
    return `The API key name must be 1-64 characters, not blank, without control characters (got ${length} characters); choose a short label such as "ci" or "laptop".`;
  }
  return null;
}

/** Refuses a CreateApiKey whose data could not be stored (pure; the library calls it before anything is written). */
export function checkCreateApiKey(c: CreateApiKey): ApiKeyCreated {
  const nameIssue = apiKeyNameIssue(c.name);
  if (nameIssue !== null) throw new DomainError<ApiKeyErrorCode>('VALIDATION_ERROR', nameIssue, { field: 'name' });
  const data: ApiKeyCreated = { keyId: c.keyId, userId: c.userId, name: c.name, secretHash: c.secretHash, createdBy: c.createdBy };
  checkData('ApiKeyCreated', data, (issues) => `Invalid API key: ${issues.join('; ')}.`);
  return data;
}

function decideApiKey(command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey':
      return lifecycle.create(checkCreateApiKey(command), state);
    case 'RevokeApiKey':
      return lifecycle.revoke(command.keyId, command.userId, { revokedBy: command.revokedBy }, state);
    default:
      return assertNever(command, 'ApiKey command');
  }
}

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyState, ApiKeyEventType> = {
  initialState: initialApiKeyState,
  evolve: evolveApiKey,
  decide: decideApiKey,
  commandEvents: { CreateApiKey: ['ApiKeyCreated'], RevokeApiKey: ['ApiKeyRevoked'] },
};
