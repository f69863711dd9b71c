/** The session monitor's catalog entry (services/catalog.ts lists it; its Lambda handler imports only this). */
import { defineEntry } from '../../catalog-entry';
import { createTelemetryConsumer, SESSION_MONITOR_PORTS } from './telemetry-consumer';

export const sessionMonitorEntry = defineEntry({
  kind: 'kinesis',
  name: 'session-monitor',
  description: 'Agent telemetry → the progress view; final reports → SessionEnded.',
  source: 'telemetry',
  emits: ['SessionEnded'],
  ports: SESSION_MONITOR_PORTS,
  create: (ports) => createTelemetryConsumer(ports),
  lambdaEntry: 'services/tasks/session-monitor/handler.ts',
  timeoutSeconds: 60,
  memoryMb: 512,
  // The progress view and events apply by sequence, and SessionEnded is recorded once per session.
  idempotentByConstruction: true,
  eventSource: {
    startingPosition: 'TRIM_HORIZON',
    // Lambda invokes the monitor once per batch: a batch closes after the batching window or at
    // `batchSize` records, so a session costs about one invocation per burst of telemetry
    // (bench/session-hour.ts counts a session-hour from these values). 1 s keeps progress live in
    // `watch`; a quiet agent is heard from once per heartbeat interval
    // (services/tasks/session/heartbeat.ts), which is what bounds the invocations.
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    // A lost progress line costs nothing; a lost final report is covered by the watchdog
    // (HEARTBEAT_LOST after the heartbeat limit).
    bisectBatchOnError: true,
    retryAttempts: 10,
  },
});
