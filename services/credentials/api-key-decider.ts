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
import type { ApiKeyRevoked } from '../../schemas/generated/events/ApiKeyRevoked.v1';
import { assertNever, type Decider } from '../kernel/decider';
import type { DomainEvent, FoldableEvent } from '../kernel/envelope';
import { DomainError } from '../kernel/errors';
import { checkData, type Actor } from './common';

export type ApiKeyEventType = 'ApiKeyCreated' | 'ApiKeyRevoked';
export type ApiKeyEvent = DomainEvent<ApiKeyEventType>;
export type { ApiKeyCreated, ApiKeyRevoked };

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

export interface RevokeApiKey {
  readonly type: 'RevokeApiKey';
  readonly keyId: string;
  /** Who asks: only the owner may revoke. */
  readonly userId: string;
  readonly revokedBy: Actor;
}

export type ApiKeyCommand = CreateApiKey | RevokeApiKey;

// ── state ───────────────────────────────────────────────────────────────────────────────────────

export type ApiKeyStatus = 'NONE' | 'ACTIVE' | 'REVOKED';

export interface ApiKeyState {
  readonly status: ApiKeyStatus;
  readonly keyId: string | null;
  readonly userId: string | null;
  readonly name: string | null;
  readonly secretHash: string | null;
  readonly createdAt: string | null;
  readonly revokedAt: string | null;
}

export const initialApiKeyState = (): ApiKeyState => ({
  status: 'NONE',
  keyId: null,
  userId: null,
  name: null,
  secretHash: null,
  createdAt: null,
  revokedAt: null,
});

export function evolveApiKey(state: ApiKeyState, event: FoldableEvent<ApiKeyEventType>): ApiKeyState {
  switch (event.type) {
    case 'ApiKeyCreated':
      return {
        status: 'ACTIVE',
        keyId: event.data.keyId,
        userId: event.data.userId,
        name: event.data.name,
        secretHash: event.data.secretHash,
        createdAt: event.occurredAt,
        revokedAt: null,
      };
    case 'ApiKeyRevoked':
      return { ...state, status: 'REVOKED', revokedAt: event.occurredAt };
    default:
      return assertNever(event, 'ApiKey event');
  }
}

// ── decide ──────────────────────────────────────────────────────────────────────────────────────

/** Name rules (the schema says the same): 1–64 characters, not blank, no control characters. */
export function apiKeyNameIssue(name: unknown): string | null {
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

function notFound(keyId: string): DomainError<ApiKeyErrorCode> {
  // The same error (and no detail) whether the key is missing or another user's.
  return new DomainError<ApiKeyErrorCode>('API_KEY_NOT_FOUND', `No API key ${JSON.stringify(keyId)} among yours; list your keys with \`bgagent api-key list\`.`, {
    keyId,
  });
}

export function decideApiKey(command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey': {
      const data = checkCreateApiKey(command);
      if (state.status === 'NONE') return [{ type: 'ApiKeyCreated', data }];
      if (state.keyId === data.keyId && state.userId === data.userId && state.name === data.name && state.secretHash === data.secretHash) return [];
      throw new DomainError<ApiKeyErrorCode>('API_KEY_ID_TAKEN', `The API key id ${command.keyId} is already in use; create the key again (a new id is drawn).`, {
        keyId: command.keyId,
      });
    }
    case 'RevokeApiKey': {
      if (state.status === 'NONE' || state.userId !== command.userId) throw notFound(command.keyId);
      if (state.status === 'REVOKED') {
        throw new DomainError<ApiKeyErrorCode>('API_KEY_ALREADY_REVOKED', `The API key ${command.keyId} was already revoked at ${state.revokedAt}.`, {
          keyId: command.keyId,
          revokedAt: state.revokedAt,
        });
      }
      const data: ApiKeyRevoked = { revokedBy: command.revokedBy };
      checkData('ApiKeyRevoked', data, (issues) => `Invalid API key revocation: ${issues.join('; ')}.`);
      return [{ type: 'ApiKeyRevoked', data }];
    }
    default:
      return assertNever(command, 'ApiKey command');
  }
}

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyState, ApiKeyEventType> = {
  initialState: initialApiKeyState,
  evolve: evolveApiKey,
  decide: decideApiKey,
};
