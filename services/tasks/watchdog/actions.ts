/**
 * What the watchdog did, one record per action: which task (or user), in which state, what it did,
 * why, and how it went. Every action is logged with the task id and the reason and counted as a
 * metric (services/kernel/metrics.ts); a sweep returns its actions (tests and the operator's
 * `SweepRequested` read them).
 */
import type { CommandContext } from '../../kernel/command-handler';
import type { Logger } from '../../kernel/logger';
import { PLATFORM_METRICS } from '../../kernel/metric-names';
import { recordMetric } from '../../kernel/metrics';
import type { ConcurrencyViewStore } from '../../../projections/concurrency-view/concurrency-view';
import type { TaskViewStore } from '../../../projections/task-view/task-view';
import type { PortsOf } from '../../ports/ports';
import type { TaskStatus } from '../task/task-state';

export type WatchdogActionKind =
  | 'redrive-admission'
  | 'redrive-hydration'
  | 'redrive-session'
  | 'redrive-cancellation'
  | 'redrive-finalizer'
  | 'time-out'
  | 'fail'
  | 'release-slot'
  | 'expire-queue';

export interface WatchdogAction {
  readonly taskId: string;
  readonly userId?: string;
  /** The task's status when the watchdog looked. */
  readonly status: TaskStatus;
  readonly action: WatchdogActionKind;
  readonly reason: string;
  /** done: events were recorded; noop: nothing needed recording; error: the action failed (retried next sweep). */
  readonly result: 'done' | 'noop' | 'error';
  /** The outcome or the error message. */
  readonly detail?: string;
}

export type WatchdogLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The watchdog's ports: it re-drives stuck tasks by running their step itself (admission,
 * hydration, session start, cancellation, finalizer), reads the views as its worklist and the
 * heartbeats for silent agents.
 */
export const WATCHDOG_PORTS = [
  'store',
  'now',
  'admission',
  'compute',
  'scheduler',
  'git',
  'blobs',
  'memory',
  'screening',
  'contextSource',
  'taskViews',
  'concurrencyViews',
  'heartbeats',
  'watchdogConfig',
] as const;

/**
 * What the watchdog is built with: its ports, of which it only reads the views (so a read-only
 * view, such as a test double folding the event store, will do) and can do without them (the
 * per-state policies are then skipped).
 */
export type WatchdogDeps = Omit<PortsOf<typeof WATCHDOG_PORTS>, 'taskViews' | 'concurrencyViews'> & {
  readonly taskViews?: TaskViewStore;
  readonly concurrencyViews?: ConcurrencyViewStore;
};

export interface WatchdogContext {
  readonly deps: WatchdogDeps;
  readonly logger: WatchdogLog;
  /** The sweep's (or the trigger's) clock reading: every age is measured against it. */
  readonly now: Date;
  /** The trigger's id: the causation of every command. */
  readonly causationId: string;
  /**
   * When the watchdog first saw each RUNNING task's session not running at compute (epoch ms), kept
   * by the service instance across sweeps. In memory on purpose: losing it (a cold start) only
   * delays a HEARTBEAT_LOST verdict, never hastens one.
   */
  readonly notRunningSince?: Map<string, number>;
}

export function commandContext(ctx: WatchdogContext, correlationId: string): CommandContext {
  return { correlationId, causationId: ctx.causationId, actor: 'service:watchdog', now: ctx.now };
}

/** Logs the action and counts it (EMF metrics: StuckTaskActions, WatchdogActionFailures; the dashboard's stuck-task figures). */
export function logAction(logger: WatchdogLog, action: WatchdogAction): WatchdogAction {
  const fields = { ...action };
  if (action.result === 'error') {
    logger.warn('watchdog action failed; the next sweep tries again', fields);
    recordMetric(PLATFORM_METRICS.watchdogActionFailures, 1);
  } else {
    logger.info('watchdog action', fields);
    recordMetric(PLATFORM_METRICS.stuckTaskActions, 1);
  }
  return action;
}

export const ageMs = (now: Date, iso: string | null | undefined): number => (iso ? now.getTime() - Date.parse(iso) : 0);

export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
