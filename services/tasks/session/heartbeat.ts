/**
 * The agent's heartbeat and the watchdog's unresponsive threshold, kept consistent from one value:
 * the repository's `session.heartbeatTimeoutSeconds` (RepoConfig; DEFAULT_REPO_CONFIG: 1800 s).
 *
 * - The watchdog fails a RUNNING task HEARTBEAT_LOST when nothing was heard from its agent for the
 *   threshold (services/tasks/watchdog/policies.ts: its last heartbeat or progress line).
 * - The agent sends a heartbeat only after `heartbeatSecondsFor(threshold)` without sending
 *   anything else (agent/runtime/run-session.ts): any record is a sign of life, so a working agent
 *   sends no heartbeats at all and a quiet one sends one every interval.
 * - HEARTBEATS_PER_THRESHOLD = 2: a healthy agent is heard at least twice per threshold, so one
 *   heartbeat arriving late (retried PutRecords, the session monitor's batching window, the
 *   watchdog's minute sweep) never fails it.
 *
 * The cost side: a quiet 1-hour session sends 3600 / interval heartbeats, each one session-monitor
 * invocation (bench/session-hour.ts). With the 1800 s default: a heartbeat every 900 s, 4 an hour
 * (the original design polled every 30 s: 120 an hour), and a hung agent is failed within 30 minutes
 * plus a sweep. A repository that wants it sooner sets a lower threshold (minimum 60 s) and pays
 * proportionally more heartbeats.
 */
export const HEARTBEATS_PER_THRESHOLD = 2;

/** Seconds of silence after which the agent sends a heartbeat, for an unresponsive threshold in seconds. */
export function heartbeatSecondsFor(unresponsiveAfterSeconds: number): number {
  if (!(unresponsiveAfterSeconds > 0)) throw new Error(`the unresponsive threshold must be positive (got ${unresponsiveAfterSeconds})`);
  return Math.max(1, Math.floor(unresponsiveAfterSeconds / HEARTBEATS_PER_THRESHOLD));
}
