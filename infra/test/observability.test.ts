/** Dashboard and alarms: every dead-letter queue, the outbox's lag, stuck tasks, error rates; the code's EMF metrics; tracing. */
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { PLATFORM_METRICS, type PlatformMetric } from '../../services/kernel/metric-names';
import { DeadLetterQueue } from '../constructs/dead-letter-queue';
import { isPlatformFunction } from '../constructs/platform-function';
import { resourcesOf, synthPlatform } from './platform';

const { stack, template } = synthPlatform({ alarmEmail: 'ops@example.com' });
const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
const topic = stack.resolve(stack.observability.topic.topicArn);

test('every dead-letter queue has an alarm on its depth (> 0)', () => {
  const dlqs = stack.node.findAll().filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue);
  expect(dlqs.length).toBeGreaterThanOrEqual(15); // one per service, the publisher's, the monitor's, the bus's, Scheduler's
  for (const dlq of dlqs) {
    const name = stack.resolve(dlq.queueName);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: name }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic],
      }),
    );
  }
});

test("the publisher's and the session monitor's iterator age", () => {
  for (const fn of [stack.eventStore.publisher, stack.telemetry.monitor]) {
    expect(alarms).toContainEqual(expect.objectContaining({ MetricName: 'IteratorAge', Dimensions: [{ Name: 'FunctionName', Value: stack.resolve(fn.functionName) }], AlarmActions: [topic] }));
  }
});

test('stuck tasks: the watchdog\'s EMF metrics, read by the names the code emits', () => {
  const read = (metric: PlatformMetric) => ({ Namespace: 'ABCA/abca', MetricName: metric.name, Dimensions: [{ Name: 'service', Value: metric.source }] });
  expect(alarms).toContainEqual(expect.objectContaining({ ...read(PLATFORM_METRICS.stuckTaskActions), Threshold: 4, AlarmActions: [topic] }));
  expect(alarms).toContainEqual(expect.objectContaining({ ...read(PLATFORM_METRICS.watchdogActionFailures), Threshold: 0, AlarmActions: [topic] }));
  expect(PLATFORM_METRICS.stuckTaskActions.source).toBe('watchdog');
  // No metric filter over the watchdog's log lines any more: the code counts its actions.
  expect(JSON.stringify(resourcesOf(template, 'AWS::Logs::MetricFilter'))).not.toContain('watchdog action');
});

test('every metric the dashboard and the alarms read from the platform namespace is one the code emits (or the task-event filter makes)', () => {
  const body = JSON.stringify(Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
  const dashboardMetrics = [...body.matchAll(/\[\\"ABCA\/abca\\",\\"([A-Za-z]+)\\"(?:,\\"([A-Za-z_]+)\\",\\"([^\\]+)\\")?/g)].map((m) => ({ name: m[1]!, dimension: m[2], value: m[3] }));
  const alarmMetrics = alarms.filter((a) => a.Namespace === 'ABCA/abca').map((a) => ({ name: a.MetricName as string, dimension: a.Dimensions?.[0]?.Name as string | undefined, value: a.Dimensions?.[0]?.Value as string | undefined }));
  const known = [...Object.values(PLATFORM_METRICS).map((m) => ({ name: m.name, dimension: 'service', value: m.source })), { name: 'TaskEvents', dimension: 'Type', value: undefined }];
  const isKnown = (m: { name: string; dimension?: string; value?: string }) => known.some((k) => k.name === m.name && k.dimension === m.dimension && (k.value === undefined || k.value === m.value));
  expect(dashboardMetrics.map((m) => m.name).sort()).toEqual(expect.arrayContaining(['AgentCostUsd', 'AgentTurns', 'StuckTaskActions', 'TaskEvents', 'WatchdogActionFailures']));
  for (const m of [...dashboardMetrics, ...alarmMetrics]) expect([m, isKnown(m)]).toEqual([m, true]);
});

test('an error-rate alarm for every platform function, and the API 5xx rate', () => {
  const functions = stack.node.findAll().filter(isPlatformFunction);
  const errorRate = alarms.filter((a) => a.Metrics?.some((m: { Expression?: string }) => m.Expression?.startsWith('100 * errors')));
  expect(errorRate).toHaveLength(functions.length + 1);
});

test('task metrics from the events: task events copied to a log group, counted by type; cost and turns of sessions from the code', () => {
  template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['abca.task'] }, Targets: [Match.objectLike({ Arn: Match.anyValue() })] });
  template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricName: 'TaskEvents', Dimensions: [{ Key: 'Type', Value: '$.detail.type' }] })] });
  // The one metric filter left: cost and turns are EMF metrics of the session monitor.
  template.resourceCountIs('AWS::Logs::MetricFilter', 1);
  expect(JSON.stringify(resourcesOf(template, 'AWS::Logs::ResourcePolicy'))).toContain('events.amazonaws.com');
});

test('every platform function has X-Ray active tracing (its permissions in one managed policy of their own) and the Powertools environment', () => {
  const functions = stack.node.findAll().filter(isPlatformFunction);
  expect(functions.length).toBeGreaterThanOrEqual(15);
  const tracing = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('xray:'));
  expect(tracing).toHaveLength(1);
  const [policyId, policy] = tracing[0]!;
  expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Effect: 'Allow', Resource: '*' }]);
  for (const fn of functions) {
    const cfn = stack.resolve((fn.node.defaultChild as CfnFunction)._toCloudFormation()) as { Resources: Record<string, { Properties: { TracingConfig?: unknown; Environment: { Variables: Record<string, string> } }; DependsOn?: string[] }> };
    const resource = Object.values(cfn.Resources)[0]!;
    expect([fn.node.path, resource.Properties.TracingConfig]).toEqual([fn.node.path, { Mode: 'Active' }]);
    expect(resource.DependsOn).toContain(policyId);
    expect(resource.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'ABCA/abca', POWERTOOLS_PARAMETERS_MAX_AGE: '300', POWERTOOLS_SERVICE_NAME: expect.any(String) });
    expect(JSON.stringify(stack.resolve((fn.role!.node.defaultChild as CfnRole).managedPolicyArns))).toContain(policyId);
  }
});
