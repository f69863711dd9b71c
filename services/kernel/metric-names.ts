/**
 * The platform's own CloudWatch metrics, emitted by the code as EMF (./metrics.ts): their names,
 * units and dimensions in one place, imported both by the code that emits them and by the
 * dashboard and alarms that read them (infra/constructs/observability.ts), so the two cannot drift.
 *
 * The namespace is the deployment's (`ABCA/<prefix>`; the CDK app gives every function
 * POWERTOOLS_METRICS_NAMESPACE). Powertools Metrics publishes every metric with one dimension,
 * `service`: here the metric's source, pinned in code rather than taken from the function's
 * POWERTOOLS_SERVICE_NAME, so the dashboard knows it.
 */

export const metricsNamespace = (prefix: string): string => `ABCA/${prefix}`;

/** Powertools' variable for the namespace of EMF metrics. */
export const METRICS_NAMESPACE_ENV = 'POWERTOOLS_METRICS_NAMESPACE';

export type MetricSource = 'watchdog' | 'session-monitor';

export interface PlatformMetric {
  readonly name: string;
  /** A CloudWatch unit (Powertools' MetricUnit values). */
  readonly unit: 'Count' | 'None';
  /** Its `service` dimension. */
  readonly source: MetricSource;
}

export const PLATFORM_METRICS = {
  /** One per action of the watchdog that went through (re-drive, time-out, fail, slot release, queue expiry): tasks that were stuck. */
  stuckTaskActions: { name: 'StuckTaskActions', unit: 'Count', source: 'watchdog' },
  /** One per watchdog action that failed (the next sweep tries again). */
  watchdogActionFailures: { name: 'WatchdogActionFailures', unit: 'Count', source: 'watchdog' },
  /** Per recorded session (SessionEnded): the agent's cost in USD. */
  agentCostUsd: { name: 'AgentCostUsd', unit: 'None', source: 'session-monitor' },
  /** Per recorded session (SessionEnded): the agent's turns. */
  agentTurns: { name: 'AgentTurns', unit: 'Count', source: 'session-monitor' },
} as const satisfies Record<string, PlatformMetric>;

/** The dimensions a metric is published with: what a CloudWatch metric must name to read it. */
export const dimensionsOf = (metric: PlatformMetric): Record<string, string> => ({ service: metric.source });
