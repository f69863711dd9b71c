/** Dashboard and alarms: every dead-letter queue, the outbox's lag, stuck tasks, error rates. */
import { Match } from 'aws-cdk-lib/assertions';
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

test('stuck tasks: watchdog interventions counted from its structured logs', () => {
  template.hasResourceProperties('AWS::Logs::MetricFilter', {
    LogGroupName: stack.resolve(stack.services.get('watchdog')!.function.logGroup.logGroupName),
    FilterPattern: '{ $.message = "watchdog action" }',
    MetricTransformations: [Match.objectLike({ MetricName: 'StuckTaskActions', MetricNamespace: 'ABCA/abca' })],
  });
  expect(alarms).toContainEqual(expect.objectContaining({ MetricName: 'StuckTaskActions', Threshold: 4, AlarmActions: [topic] }));
});

test('an error-rate alarm for every platform function, and the API 5xx rate', () => {
  const functions = stack.node.findAll().filter(isPlatformFunction);
  const errorRate = alarms.filter((a) => a.Metrics?.some((m: { Expression?: string }) => m.Expression?.startsWith('100 * errors')));
  expect(errorRate).toHaveLength(functions.length + 1);
});

test('task metrics from the events: task events copied to a log group, counted by type; cost and turns of sessions', () => {
  template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['abca.task'] }, Targets: [Match.objectLike({ Arn: Match.anyValue() })] });
  template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricName: 'TaskEvents', Dimensions: [{ Key: 'Type', Value: '$.detail.type' }] })] });
  template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricName: 'AgentCostUsd', MetricValue: '$.detail.data.costUsd' })] });
  expect(JSON.stringify(resourcesOf(template, 'AWS::Logs::ResourcePolicy'))).toContain('events.amazonaws.com');
});

test('a dashboard; alarms go to an encrypted topic with the e-mail subscribed', () => {
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  // Task and session durations from the task-event log (Logs Insights), next to the metric widgets.
  const body = JSON.stringify(Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
  for (const title of ['Task duration (s): submitted → ended', 'Session duration (s): session started → task ended', 'Agent cost (USD) and turns per session', 'Dead-letter queues (messages)', 'Iterator age (ms): publisher, session monitor']) expect(body).toContain(title);
  expect(body).toContain("filter type in ['SessionStarted', 'TaskCompleted', 'TaskFailed', 'TaskCancelled', 'TaskTimedOut']");
  template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: topic });
});
