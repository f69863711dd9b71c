/**
 * The telemetry configuration in force, read from where the product defines it, for the
 * session-hour accounting (./session-hour.ts).
 */
import { DEFAULT_SEND_DELAY_MS } from '../agent/telemetry/telemetry-publisher';
import { DEFAULT_REPO_CONFIG } from '../services/repos/repo/repo-config';
import { heartbeatSecondsFor } from '../services/tasks/session/heartbeat';
import { sessionMonitorEntry } from '../services/tasks/session-monitor/catalog-entry';
import type { TelemetrySettings } from './session-hour';

export function telemetrySettings(): TelemetrySettings & { readonly unresponsiveThresholdSeconds: number } {
  const threshold = DEFAULT_REPO_CONFIG.session.heartbeatTimeoutSeconds;
  return {
    // agent/runtime/run-session.ts: a heartbeat after heartbeatSeconds without any other record.
    heartbeat: { mode: 'on-silence', intervalSeconds: heartbeatSecondsFor(threshold) },
    // agent/telemetry/telemetry-publisher.ts: a record is sent this long after it is produced, with what came meanwhile.
    send: { mode: 'linger', ms: DEFAULT_SEND_DELAY_MS },
    // The session monitor's event source (its catalog entry): a batch per window or per batchSize records.
    eventSource: { batchSize: sessionMonitorEntry.eventSource.batchSize, maxBatchingWindowSeconds: sessionMonitorEntry.eventSource.maxBatchingWindowSeconds ?? 0 },
    unresponsiveThresholdSeconds: threshold,
  };
}
