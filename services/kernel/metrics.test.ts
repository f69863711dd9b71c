/**
 * The platform's EMF metrics: on in Lambda, off elsewhere unless asked for; one JSON blob per
 * source and flush, in the deployment's namespace with the `service` dimension the dashboard reads.
 */
import { PLATFORM_METRICS } from './metric-names';
import { flushMetrics, metricsEnabled, recordMetric, resetMetrics } from './metrics';

const saved = process.env;
let written: string[];
beforeEach(() => {
  written = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  resetMetrics();
});
afterEach(() => {
  process.env = saved;
  jest.restoreAllMocks();
});
const blobs = () => written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const inLambda = { AWS_LAMBDA_FUNCTION_NAME: 'abca-watchdog', POWERTOOLS_METRICS_NAMESPACE: 'ABCA/prod' };

test('on in Lambda unless POWERTOOLS_METRICS_DISABLED is true; elsewhere off unless it is false', () => {
  expect(metricsEnabled({})).toBe(false);
  expect(metricsEnabled({ POWERTOOLS_METRICS_DISABLED: 'false' })).toBe(true);
  expect(metricsEnabled({ POWERTOOLS_METRICS_DISABLED: '0' })).toBe(true);
  expect(metricsEnabled(inLambda)).toBe(true);
  expect(metricsEnabled({ ...inLambda, POWERTOOLS_METRICS_DISABLED: 'true' })).toBe(false);
  expect(metricsEnabled({ ...inLambda, POWERTOOLS_METRICS_DISABLED: 'yes' })).toBe(false);
});

test('in Lambda, what an invocation records is published by the flush at its end: one blob per source', () => {
  process.env = { ...saved, ...inLambda };
  recordMetric(PLATFORM_METRICS.stuckTaskActions, 1);
  recordMetric(PLATFORM_METRICS.stuckTaskActions, 1);
  recordMetric(PLATFORM_METRICS.watchdogActionFailures, 1);
  expect(written).toEqual([]);
  flushMetrics();
  expect(blobs()).toEqual([
    {
      _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ABCA/prod', Dimensions: [['service']], Metrics: [{ Name: 'StuckTaskActions', Unit: 'Count' }, { Name: 'WatchdogActionFailures', Unit: 'Count' }] }] },
      service: 'watchdog',
      StuckTaskActions: [1, 1],
      WatchdogActionFailures: 1,
    },
  ]);
  written.length = 0;
  flushMetrics(); // nothing recorded since: nothing written (not even Powertools' "no metrics" warning)
  expect(written).toEqual([]);
});

test('off (the embedded platform, tests): nothing is kept or written', () => {
  process.env = { ...saved, POWERTOOLS_METRICS_DISABLED: undefined, AWS_LAMBDA_FUNCTION_NAME: undefined };
  recordMetric(PLATFORM_METRICS.agentTurns, 3);
  flushMetrics();
  expect(written).toEqual([]);
});

test('asked for outside Lambda: each metric is written at once (no invocation ends to flush it)', () => {
  process.env = { ...saved, POWERTOOLS_METRICS_DISABLED: 'false', AWS_LAMBDA_FUNCTION_NAME: undefined, POWERTOOLS_METRICS_NAMESPACE: undefined };
  recordMetric(PLATFORM_METRICS.agentTurns, 3);
  expect(blobs()).toEqual([
    expect.objectContaining({ _aws: expect.objectContaining({ CloudWatchMetrics: [{ Namespace: 'ABCA/local', Dimensions: [['service']], Metrics: [{ Name: 'AgentTurns', Unit: 'Count' }] }] }), service: 'session-monitor', AgentTurns: 3 }),
  ]);
});
