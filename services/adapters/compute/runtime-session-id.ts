/**
 * Deterministic compute-side ids derived from our session id (no AWS SDK import, so the agent
 * image can use it too).
 *
 * AgentCore's runtimeSessionId must be 33–256 characters; our session ids (`s-<ulid>-1`, 30
 * characters) are shorter. The runtime session id is
 *
 *     abca-<sessionId>-<first 16+ hex digits of sha256(sessionId)>
 *
 * with as many hex digits as needed to reach 33 characters (at least 16). It is deterministic, so a
 * retried start lands on the same AgentCore session (the same microVM) and StopRuntimeSession can
 * be called with nothing but our session id; it stays readable in the AWS console (the session id
 * is in it); and the hash makes two session ids map to the same runtime id only by a sha256
 * collision.
 */
import { createHash } from 'node:crypto';
import { ComputeStartError } from '../../tasks/session/compute-errors';

export const RUNTIME_SESSION_ID_MIN = 33;
export const RUNTIME_SESSION_ID_MAX = 256;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Throws a permanent ComputeStartError for ids that cannot name files, tasks or runtime sessions. */
export function assertSafeSessionId(sessionId: string): void {
  if (!SAFE_ID.test(sessionId) || sessionId.length > 200) {
    throw new ComputeStartError(`session id ${JSON.stringify(sessionId)} is not usable by a compute (letters, digits, '.', '_', '-'; at most 200 characters)`, false);
  }
}

export function runtimeSessionIdFor(sessionId: string): string {
  assertSafeSessionId(sessionId);
  const head = `abca-${sessionId}-`;
  const hexDigits = Math.max(16, RUNTIME_SESSION_ID_MIN - head.length);
  return head + sha256Hex(sessionId).slice(0, hexDigits);
}

/** ECS `startedBy` (≤ 36 characters: letters, digits, '-', '_', '/'): the session id itself when it fits, else `abca-` + 31 hex digits of its sha256. */
export function ecsStartedByFor(sessionId: string): string {
  assertSafeSessionId(sessionId);
  if (sessionId.length <= 36 && /^[A-Za-z0-9_/-]+$/.test(sessionId)) return sessionId;
  return `abca-${sha256Hex(sessionId).slice(0, 31)}`;
}

/** ECS RunTask `clientToken` (≤ 64 characters, ASCII 33–126): `abca-<sessionId>` when it fits, else `abca-` + 59 hex digits of its sha256. */
export function ecsClientTokenFor(sessionId: string): string {
  assertSafeSessionId(sessionId);
  const token = `abca-${sessionId}`;
  return token.length <= 64 ? token : `abca-${sha256Hex(sessionId).slice(0, 59)}`;
}
