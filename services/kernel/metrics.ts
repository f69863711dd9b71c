/**
 * The platform's metrics (./metric-names.ts) through Powertools Metrics: CloudWatch embedded metric
 * format (EMF), one JSON line on stdout per flush, which CloudWatch Logs turns into metrics — no
 * PutMetricData call, no latency.
 *
 *   recordMetric(PLATFORM_METRICS.agentTurns, 12);   // where the figure is known
 *   flushMetrics();                                  // at the end of each Lambda invocation (services/cloud/instrument.ts)
 *
 * On or off: on in Lambda (AWS_LAMBDA_FUNCTION_NAME is set) unless POWERTOOLS_METRICS_DISABLED is
 * true; anywhere else (the embedded platform, tests, tools) off unless POWERTOOLS_METRICS_DISABLED
 * is set to false. On one machine nothing reads EMF, and every line would land in the platform log
 * (local/start/log-file.ts), so recording is a no-op there by default; asked for, each metric is
 * flushed at once (no invocation ends to flush it), one JSON line in the platform log.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE_ENV, metricsNamespace, type MetricSource, type PlatformMetric } from './metric-names';

type Env = Readonly<Record<string, string | undefined>>;

const TRUE = ['1', 'y', 'yes', 't', 'true', 'on'];
const FALSE = ['0', 'n', 'no', 'f', 'false', 'off'];

/** Whether metrics are emitted in this process (see above). */
export function metricsEnabled(env: Env = process.env): boolean {
  const flag = env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase() ?? '';
  if (TRUE.includes(flag)) return false;
  if (FALSE.includes(flag)) return true;
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
}

const sinks = new Map<MetricSource, Metrics>();

function sinkOf(source: MetricSource): Metrics {
  let sink = sinks.get(source);
  if (!sink) {
    sink = new Metrics({ namespace: process.env[METRICS_NAMESPACE_ENV] || metricsNamespace('local'), serviceName: source });
    sinks.set(source, sink);
  }
  return sink;
}

/** Records one value of a platform metric (nothing when metrics are off). */
export function recordMetric(metric: PlatformMetric, value: number): void {
  if (!metricsEnabled() || !Number.isFinite(value)) return;
  sinkOf(metric.source).addMetric(metric.name, metric.unit, value);
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) flushMetrics();
}

/** Publishes what was recorded (one EMF line per source that has metrics; nothing, and no warning, otherwise). */
export function flushMetrics(): void {
  for (const sink of sinks.values()) if (sink.hasStoredMetrics()) sink.publishStoredMetrics();
}

/** Tests: forget the sinks (they read their namespace when made). */
export function resetMetrics(): void {
  sinks.clear();
}
