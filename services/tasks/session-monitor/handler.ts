/**
 * Lambda entry of the session monitor: the telemetry stream (Kinesis, ReportBatchItemFailures) →
 * the progress view and SessionEnded. See telemetry-consumer.ts. Its ports (SESSION_MONITOR_PORTS)
 * come from the cloud factories it names, so it needs only their variables.
 */
import { cloudPortsFor } from '../../cloud/cloud-ports';
import { cloudProgressEvents, cloudProgressViews, cloudStore } from '../../cloud/ports/dynamodb';
import { cloudNow } from '../../cloud/ports/settings';
import { createTelemetryConsumer, SESSION_MONITOR_PORTS } from './telemetry-consumer';

export const handler = createTelemetryConsumer(
  cloudPortsFor(SESSION_MONITOR_PORTS, { store: cloudStore, now: cloudNow, progressViews: cloudProgressViews, progressEvents: cloudProgressEvents }, process.env, 'the session monitor'),
);
