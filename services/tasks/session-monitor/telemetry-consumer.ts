/**
 * The session monitor's Lambda handler over the telemetry stream (Kinesis batches; the local
 * Kinesis poller invokes it the same way on one machine). Per batch:
 *
 *   final_report         → recordSessionReport → SessionEnded on the task's stream (a duplicate or
 *                          a report for a task that ended otherwise is fine: recorded once)
 *   progress, heartbeat  → the progress view (one merge per task and batch) and, for progress, the
 *                          append-only progress events (by seq). Duplicates and late records
 *                          never regress either (see projections/progress-view).
 *
 * Partial batch failures (ReportBatchItemFailures): records of one task are handled together, so a
 * failure is reported at the task's first record in the batch; the event source resumes from the
 * lowest failed record, and everything after it comes again (idempotent). Records that can never
 * succeed are logged and skipped instead of blocking the shard: malformed records, reports for a
 * task that does not exist, reports whose data the SessionEnded schema refuses.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { TelemetryRecord } from '../../../schemas/agent/contracts';
import type { ProgressEventStore, ProgressRecord, ProgressViewStore } from '../../../projections/progress-view/progress-view';
import { progressStoresOf } from '../../../projections/progress-view/stores';
import type { PortsOf } from '../../ports/ports';
import { isDomainError } from '../../kernel/errors';
import { createLogger, type Logger } from '../../kernel/logger';
import { EventValidationError } from '../../kernel/validation';
import { recordSessionReport } from './session-report';
import { parseTelemetryRecord } from './telemetry-record';

export type TelemetryBatchHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

export interface TelemetryConsumerOptions {
  /** The progress stores; default the `progressViews` and `progressEvents` ports. */
  readonly progress?: { readonly progressViews: ProgressViewStore; readonly progressEvents: ProgressEventStore };
  readonly logger?: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
}

interface Entry {
  readonly kinesis: KinesisStreamRecord['kinesis'];
  readonly record: TelemetryRecord;
}

/** The session monitor's ports (its Lambda and the embedded platform build them through their registries). */
export const SESSION_MONITOR_PORTS = ['store', 'now', 'progressViews', 'progressEvents'] as const;
export type SessionMonitorPorts = PortsOf<typeof SESSION_MONITOR_PORTS>;

export function createTelemetryConsumer(
  deps: Omit<SessionMonitorPorts, 'progressViews' | 'progressEvents'> & Partial<Pick<SessionMonitorPorts, 'progressViews' | 'progressEvents'>>,
  options: TelemetryConsumerOptions = {},
): TelemetryBatchHandler {
  const { progressViews, progressEvents } = options.progress ?? progressStoresOf(deps);
  const logger = options.logger ?? createLogger('session-monitor');

  async function progressOfTask(taskId: string, entries: readonly Entry[]): Promise<void> {
    const records = entries.map((e) => e.record);
    const progress = records.filter((r): r is ProgressRecord => r.type === 'progress');
    if (progress.length > 0) await progressEvents.append(progress);
    await progressViews.apply(taskId, records);
  }

  async function finalReport(entry: Entry): Promise<void> {
    const record = entry.record as Extract<TelemetryRecord, { type: 'final_report' }>;
    const { taskId, sessionId } = record;
    try {
      const result = await recordSessionReport(deps, { taskId, sessionId, ...record.report }, { causationId: `kinesis:${entry.kinesis.sequenceNumber}`, logger });
      if (result.status === 'duplicate') logger.debug('final report already recorded', { taskId, sessionId });
    } catch (err) {
      if (isDomainError(err, 'TASK_NOT_FOUND')) {
        logger.warn('final report for an unknown task skipped', { taskId, sessionId, sequenceNumber: entry.kinesis.sequenceNumber });
        return;
      }
      if (err instanceof EventValidationError) {
        logger.error('final report refused by the SessionEnded schema; skipped', { taskId, sessionId, issues: err.issues });
        return;
      }
      throw err;
    }
  }

  return async (event) => {
    const entries: Entry[] = [];
    for (const r of event.Records) {
      const parsed = parseTelemetryRecord(Buffer.from(r.kinesis.data, 'base64'));
      if (!parsed.ok) {
        logger.warn('malformed telemetry record skipped', { sequenceNumber: r.kinesis.sequenceNumber, partitionKey: r.kinesis.partitionKey, issues: parsed.issues });
        continue;
      }
      if (parsed.record.taskId !== r.kinesis.partitionKey) {
        logger.warn('telemetry record under another partition key', { taskId: parsed.record.taskId, partitionKey: r.kinesis.partitionKey });
      }
      entries.push({ kinesis: r.kinesis, record: parsed.record });
    }

    const byTask = new Map<string, Entry[]>();
    for (const e of entries) byTask.set(e.record.taskId, [...(byTask.get(e.record.taskId) ?? []), e]);

    const failed = new Set<string>();
    const attempt = async (what: string, failAt: Entry, extra: Record<string, unknown>, run: () => Promise<void>) => {
      try {
        await run();
      } catch (err) {
        failed.add(failAt.kinesis.sequenceNumber);
        logger.warn(`${what} failed; the records are retried`, { ...extra, sequenceNumber: failAt.kinesis.sequenceNumber, error: (err as Error).message });
      }
    };
    await Promise.all([
      ...[...byTask].map(([taskId, group]) => attempt('progress update', group[0]!, { taskId }, () => progressOfTask(taskId, group))),
      ...entries
        .filter((e) => e.record.type === 'final_report')
        .map((e) => attempt('final report', e, { taskId: e.record.taskId, sessionId: e.record.sessionId }, () => finalReport(e))),
    ]);
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
