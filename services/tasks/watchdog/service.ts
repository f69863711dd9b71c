/**
 * The watchdog service (triggers only):
 *   - `SessionDeadlineReached` (source abca.scheduler): the durable deadline of a session → TIMED_OUT
 *     and the compute session stopped (deadline.ts);
 *   - a sweep, on the catalog's schedule (source aws.events, detail-type `Scheduled Event`) or on
 *     request (source abca.watchdog, detail-type `SweepRequested`): stranded tasks per state, stale
 *     sessions, queue maximum age (sweep.ts, policies.ts).
 * Thresholds: DEFAULT_WATCHDOG_CONFIG, overridden by the `watchdogConfig` port, then by `config`.
 * Views: the `taskViews` and `concurrencyViews` ports (read only); its ports: WATCHDOG_PORTS (actions.ts).
 */
import type { ServiceHandlers, Trigger } from '../../kernel/consumer';
import { DEADLINE_DETAIL_TYPE, DEADLINE_SOURCE, parseDeadlineDetail } from '../session/deadline';
import type { WatchdogContext, WatchdogDeps, WatchdogLog } from './actions';
import { watchdogConfig, type WatchdogConfig } from './config';
import { handleDeadline } from './deadline';
import { sweep, type SweepReport } from './sweep';

export const SWEEP_SOURCE = 'abca.watchdog';
export const SWEEP_DETAIL_TYPE = 'SweepRequested';

export const isDeadlineTrigger = (t: Pick<Trigger, 'source' | 'detailType'>): boolean => t.source === DEADLINE_SOURCE && t.detailType === DEADLINE_DETAIL_TYPE;
export const isSweepTrigger = (t: Pick<Trigger, 'source' | 'detailType'>): boolean =>
  (t.source === 'aws.events' && t.detailType === 'Scheduled Event') || (t.source === SWEEP_SOURCE && t.detailType === SWEEP_DETAIL_TYPE);

export interface WatchdogService extends ServiceHandlers {
  readonly onTrigger: NonNullable<ServiceHandlers['onTrigger']>;
  /** Runs one sweep now and returns what it did (tests, operators). */
  sweepNow(logger: WatchdogLog, causationId?: string): Promise<SweepReport>;
  readonly config: WatchdogConfig;
}

export function createWatchdogService(deps: WatchdogDeps, config: Partial<WatchdogConfig> = {}): WatchdogService {
  const resolved = watchdogConfig({ ...deps.watchdogConfig, ...config });
  const notRunningSince = new Map<string, number>();
  const contextFor = (logger: WatchdogLog, causationId: string): WatchdogContext => ({ deps, logger, now: deps.now(), causationId, notRunningSince });
  return {
    config: resolved,
    sweepNow: (logger, causationId = `sweep:${deps.now().toISOString()}`) => sweep(contextFor(logger, causationId), resolved),
    async onTrigger(trigger, ctx) {
      if (isDeadlineTrigger(trigger)) {
        const detail = parseDeadlineDetail(trigger.detail);
        if (!detail) {
          ctx.logger.error('SessionDeadlineReached without taskId, sessionId and deadlineAt; ignored', { triggerId: trigger.id, detail: trigger.detail });
          return;
        }
        await handleDeadline(contextFor(ctx.logger, trigger.id), detail);
      } else if (isSweepTrigger(trigger)) {
        await sweep(contextFor(ctx.logger, trigger.id), resolved);
      } else {
        ctx.logger.warn('trigger not for the watchdog; ignored', { source: trigger.source, detailType: trigger.detailType });
      }
    },
  };
}
