/**
 * Lambda entry of the session monitor: the telemetry stream (Kinesis, ReportBatchItemFailures) →
 * the progress view and SessionEnded. See telemetry-consumer.ts. Its ports (SESSION_MONITOR_PORTS)
 * come from the cloud factories it names, so it needs only their variables. Traced per invocation,
 * and the session metrics it records (agent cost and turns) are flushed as EMF at its end
 * (services/cloud/instrument.ts).
 */
import { cloudPortsFor } from '../../cloud/cloud-ports';
import { instrumented } from '../../cloud/instrument';
import { cloudProgressEvents, cloudProgressViews, cloudStore } from '../../cloud/ports/dynamodb';
import { cloudNow } from '../../cloud/ports/settings';
import { createTelemetryConsumer, SESSION_MONITOR_PORTS } from './telemetry-consumer';

export const handler = instrumented(
  'session-monitor',
  createTelemetryConsumer(
    cloudPortsFor(SESSION_MONITOR_PORTS, { store: cloudStore, now: cloudNow, progressViews: cloudProgressViews, progressEvents: cloudProgressEvents }, process.env, 'the session monitor'),
  ),
);
