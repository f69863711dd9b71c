/**
 * Idempotency-Key for task creation. The task id is derived from the key (a hash, in the shape of
 * a ULID), so a repeated request lands on the same Task stream: the decider records nothing new,
 * and the API answers with the task that exists — 200 + `Idempotent-Replay: true` for its owner,
 * 409 DUPLICATE_TASK for anyone else (the key space is global, as the contract says). No second
 * record or table: the stream's key is the idempotency record, and its write is conditional.
 */
import { createHash } from 'node:crypto';
import { ApiError } from './errors';

const KEY = /^[a-zA-Z0-9_-]{1,128}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The header's value, checked; undefined when absent. */
export function idempotencyKeyOf(headers: Readonly<Record<string, string>>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!KEY.test(key)) throw new ApiError('VALIDATION_ERROR', 'Idempotency-Key must be 1–128 characters of letters, digits, "_" and "-".');
  return key;
}

/** 26 Crockford base32 characters of SHA-256(key): stable for a key, distinct across keys. */
export function taskIdForKey(key: string): string {
  const digest = createHash('sha256').update(`abca-task-idempotency:${key}`).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
