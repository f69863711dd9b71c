/**
 * What API keys and webhooks share: the shape of their ids, how they are made, and the check of
 * a command's data against the event schema (bad input → DomainError VALIDATION_ERROR, before
 * anything is written).
 */
import { randomBytes } from 'node:crypto';
import { DomainError } from '../kernel/errors';
import { EventValidationError, validateEventData } from '../kernel/validation';

/**
 * Key ids and webhook ids: lowercase letters and digits only (never `_`, which separates the parts
 * of an API key). New ids are 16 lowercase hex characters (64 random bits); the schemas accept
 * 8–64 such characters so that the format can grow without a new schema version.
 */
const CREDENTIAL_ID = /^[a-z0-9]{8,64}$/;

export function isCredentialId(value: unknown): value is string {
  return typeof value === 'string' && CREDENTIAL_ID.test(value);
}

/** A new key id or webhook id: 16 lowercase hex characters from crypto.randomBytes. */
export function newCredentialId(): string {
  return randomBytes(8).toString('hex');
}

/** The actor of a command (`user:<id>`, `service:<name>`, `system`), as events record it. */
export type Actor = string;

/**
 * Validates `data` against the schema of `type`; a failure becomes VALIDATION_ERROR with the
 * issues (field paths without the `data.` prefix) and `describe` turning them into one sentence.
 */
export function checkData(type: string, data: unknown, describe: (issues: readonly string[]) => string): void {
  try {
    validateEventData(type, data);
  } catch (err) {
    if (!(err instanceof EventValidationError)) throw err;
    const issues = err.issues.map((i) => i.replace(/^data\./, ''));
    throw new DomainError('VALIDATION_ERROR', describe(issues), { issues });
  }
}
