/**
 * The watchdog's thresholds. Every age is in seconds and measured with the service's clock against
 * the times recorded in the task's stream. Defaults (DEFAULT_WATCHDOG_CONFIG):
 *
 *   submittedRedriveAfterSec     60    SUBMITTED this long after submission → admission is re-driven
 *   submittedFailAfterSec        3600  ... and when a re-drive fails this long after → FAILED STRANDED
 *   hydratingRedriveAfterSec     300   HYDRATING with no new event for this long → hydration (or, once
 *                                      hydrated, the session start) is re-driven
 *   hydratingFailAfterSec        1800  ... and when a re-drive fails this long after admission → STRANDED
 *   deadlineGraceSec             60    RUNNING this long past deadlineAt (the schedule did not fire) → TIMED_OUT
 *   cancellationRedriveAfterSec  120   RUNNING with a cancellation requested this long ago → re-driven
 *   heartbeatTimeoutSec          null  the heartbeat limit; null: the repository's
 *                                      session.heartbeatTimeoutSeconds (1800 by default). RUNNING and
 *                                      - the compute still runs the session but nothing was heard from
 *                                        its agent for this long (last heartbeat or progress, else the
 *                                        session start; needs the heartbeats port) → the agent is
 *                                        hung: FAILED HEARTBEAT_LOST and the session is stopped;
 *                                      - or compute has said the session is 'ended' or 'unknown' for
 *                                        this long (first sighting kept in the watchdog's memory) and
 *                                        nothing was heard from it for as long → it vanished: FAILED
 *                                        HEARTBEAT_LOST
 *   vanishedAfterSec             300   caps that limit for a session the compute says is 'ended' or
 *                                      'unknown': it sends no heartbeats, only its report may be in flight
 *   finalizingRedriveAfterSec    120   FINALIZING this long after the session ended → finalizer re-driven
 *   finalizingFailAfterSec       3600  ... and when a re-drive fails this long after → FAILED STRANDED
 *   staleSlotAfterSec            60    a task that ended this long ago but still holds a user's slot
 *                                      (its release was lost) → the slot is released (admits the queue)
 *   pageSize                     100   tasks per task-view page
 *   maxTasksPerStatus            1000  tasks examined per status per sweep (the oldest first)
 *   maxSweepMs                   240000  a sweep stops starting new work after this long (Lambda: 300 s)
 *
 * The queue's maximum age is the admission policy's (deps.admission.queueMaxAgeMs). Re-drives are
 * bounded by age rather than by a counter: a stuck task is re-driven once per sweep between the
 * re-drive and fail thresholds (≈ 25 attempts for HYDRATING with a 1-minute sweep), then failed
 * with a reason when the next re-drive fails.
 */
export interface WatchdogConfig {
  readonly submittedRedriveAfterSec: number;
  readonly submittedFailAfterSec: number;
  readonly hydratingRedriveAfterSec: number;
  readonly hydratingFailAfterSec: number;
  readonly deadlineGraceSec: number;
  readonly cancellationRedriveAfterSec: number;
  readonly heartbeatTimeoutSec: number | null;
  readonly vanishedAfterSec: number;
  readonly finalizingRedriveAfterSec: number;
  readonly finalizingFailAfterSec: number;
  readonly staleSlotAfterSec: number;
  readonly pageSize: number;
  readonly maxTasksPerStatus: number;
  readonly maxSweepMs: number;
}

export const DEFAULT_WATCHDOG_CONFIG: WatchdogConfig = Object.freeze({
  submittedRedriveAfterSec: 60,
  submittedFailAfterSec: 3600,
  hydratingRedriveAfterSec: 300,
  hydratingFailAfterSec: 1800,
  deadlineGraceSec: 60,
  cancellationRedriveAfterSec: 120,
  heartbeatTimeoutSec: null,
  vanishedAfterSec: 300,
  finalizingRedriveAfterSec: 120,
  finalizingFailAfterSec: 3600,
  staleSlotAfterSec: 60,
  pageSize: 100,
  maxTasksPerStatus: 1000,
  maxSweepMs: 240_000,
});

/** The defaults with the given overrides; throws on a value that is not a number ≥ 0 (≥ 1 for counts). */
export function watchdogConfig(overrides: Partial<WatchdogConfig> = {}): WatchdogConfig {
  const config = { ...DEFAULT_WATCHDOG_CONFIG, ...stripUndefined(overrides) };
  for (const [key, value] of Object.entries(config)) {
    if (key === 'heartbeatTimeoutSec' && value === null) continue;
    const min = key === 'pageSize' || key === 'maxTasksPerStatus' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new Error(`Watchdog config: ${key} must be a number of at least ${min} (got ${JSON.stringify(value)}).`);
    }
  }
  if (config.submittedFailAfterSec < config.submittedRedriveAfterSec || config.hydratingFailAfterSec < config.hydratingRedriveAfterSec || config.finalizingFailAfterSec < config.finalizingRedriveAfterSec) {
    throw new Error('Watchdog config: a *FailAfterSec threshold must not be below its *RedriveAfterSec threshold.');
  }
  return config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
