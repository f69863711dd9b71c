/**
 * The session monitor's write path: an agent's final report becomes SessionEnded on the task's
 * stream (EndSession). For now it is called directly (by the test compute, and later by the
 * Kinesis telemetry consumer, which will also keep the progress view and heartbeats).
 *
 * A recorded report counts the session's cost and turns (EMF metrics AgentCostUsd, AgentTurns:
 * services/kernel/metrics.ts), once per session, as SessionEnded is recorded once.
 *
 * Safe to repeat: a second report for the same session records nothing (`duplicate`). A report for a
 * session that is not the task's (SESSION_MISMATCH), or that arrives after the task ended without one
 * (cancelled, timed out, failed by the watchdog), is `ignored` and logged: retrying it can never
 * succeed. Other errors propagate and the caller retries: among them INVALID_TRANSITION for a report
 * that raced ahead of SessionStarted (the agent ended before its start was recorded), which the
 * retry records once the session is.
 */
import type { SessionEnded } from '../../../schemas/generated/events/SessionEnded.v1';
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import type { EventEnvelope } from '../../kernel/envelope';
import { isDomainError } from '../../kernel/errors';
import type { Logger } from '../../kernel/logger';
import { PLATFORM_METRICS } from '../../kernel/metric-names';
import { recordMetric } from '../../kernel/metrics';
import type { Ports } from '../../ports/ports';
import { taskDecider } from '../task/task-decider';
import { taskStream } from '../../streams';

/** The agent's final report: the data of SessionEnded plus the task it belongs to. */
export interface SessionReport extends SessionEnded {
  readonly taskId: string;
}

export type ReportResult =
  | { readonly status: 'recorded'; readonly events: readonly EventEnvelope[] }
  | { readonly status: 'duplicate' }
  | { readonly status: 'ignored'; readonly reason: string };

export interface ReportOptions {
  /** What caused the report (a Kinesis sequence number, ...); default `report:<sessionId>`. */
  readonly causationId?: string;
  readonly actor?: string;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

export async function recordSessionReport(
  deps: Pick<Ports, 'store' | 'now'>,
  report: SessionReport,
  options: ReportOptions = {},
): Promise<ReportResult> {
  const { taskId, ...ended } = report;
  const context: CommandContext = {
    correlationId: taskId,
    causationId: options.causationId ?? `report:${report.sessionId}`,
    actor: options.actor ?? 'service:session-monitor',
    now: deps.now(),
  };
  try {
    const result = await handleCommand(deps.store, taskDecider, taskStream(taskId), { type: 'EndSession', ...ended }, context);
    if (result.status === 'noop') {
      const task = result.result;
      if (task.status !== null && task.report?.sessionId === report.sessionId) return { status: 'duplicate' };
      const reason = `task ${taskId} already ended (${task.status}) before session ${report.sessionId} reported; the report is not recorded`;
      options.logger?.info('session report ignored', { taskId, sessionId: report.sessionId, reason });
      return { status: 'ignored', reason };
    }
    options.logger?.info('session report recorded', { taskId, sessionId: report.sessionId, outcome: report.outcome });
    recordMetric(PLATFORM_METRICS.agentCostUsd, report.costUsd);
    recordMetric(PLATFORM_METRICS.agentTurns, report.turns);
    return { status: 'recorded', events: result.events };
  } catch (err) {
    if (isDomainError(err, 'SESSION_MISMATCH')) {
      options.logger?.warn('session report ignored', { taskId, sessionId: report.sessionId, reason: err.message });
      return { status: 'ignored', reason: err.message };
    }
    throw err;
  }
}
