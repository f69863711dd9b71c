/**
 * Lambda entry of the session monitor: the telemetry stream (Kinesis, ReportBatchItemFailures) →
 * the progress view and SessionEnded. See telemetry-consumer.ts.
 */
import { serviceDepsFromEnv } from '../../cloud/deps-from-env';
import { createTelemetryConsumer } from './telemetry-consumer';

export const handler = createTelemetryConsumer(serviceDepsFromEnv(process.env, 'the session monitor'));
