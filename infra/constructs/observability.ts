/**
 * The dashboard and alarms of the platform.
 *
 * Task durations need no metric of their own: Logs Insights widgets over the same task-event log
 * take, per task, the time from TaskSubmitted (and from SessionStarted) to its terminal event.
 *
 * Task counts come from the events themselves, with no code: a rule copies every task event
 * (source `abca.task`) from the bus into a log group (also an audit trail), and a metric filter on
 * it counts the events by type (`TaskEvents`, dimension `Type`: submitted, completed, failed, ...).
 * The figures only the code knows are EMF metrics the code emits (Powertools Metrics,
 * services/kernel/metrics.ts), read here by the names both import (services/kernel/metric-names.ts):
 * the agent's cost and turns per recorded session (the session monitor), and stuck tasks — the
 * watchdog's interventions — and its failed actions.
 *
 * Alarms (to an SNS topic, email optional):
 *   - every dead-letter queue holding a message (they are found in the construct tree: see
 *     dead-letter-queue.ts, so none is forgotten);
 *   - the publisher's iterator age (events stuck in the outbox) and the session monitor's;
 *   - stuck tasks (the watchdog intervening again and again), and its own failures;
 *   - each platform function's error rate, and the API's 5xx rate.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { dimensionsOf, metricsNamespace, PLATFORM_METRICS, type PlatformMetric } from '../../services/kernel/metric-names';
import type { RuleTargetEntry } from '../../services/catalog';
import { NOTIFIED_EVENT_TYPES } from '../../services/notifier/notifier';
import { DeadLetterQueue } from './dead-letter-queue';
import { isPlatformFunction } from './platform-function';

const TERMINAL_TYPES = "'TaskCompleted', 'TaskFailed', 'TaskCancelled', 'TaskTimedOut'";

/**
 * Per task, the time from its `from` event to its terminal event, then their distribution (tasks
 * still in flight have only the first event and drop out at `n > 1`).
 */
function taskDurationQuery(from: 'TaskSubmitted' | 'SessionStarted'): string[] {
  return [
    'fields detail.stream.id as task, detail.type as type, toMillis(@timestamp) as t',
    `| filter type in ['${from}', ${TERMINAL_TYPES}]`,
    '| stats count(*) as n, min(t) as first, max(t) as last by task',
    '| filter n > 1',
    '| fields (last - first) / 1000 as duration_s',
    '| stats count(*) as tasks, avg(duration_s) as avg_s, pct(duration_s, 50) as p50_s, pct(duration_s, 90) as p90_s, max(duration_s) as max_s',
  ];
}

/** A metric the code emits (services/kernel/metric-names.ts), as CloudWatch knows it: the deployment's namespace, the metric's dimensions. */
function platformMetric(prefix: string, metric: PlatformMetric, options: { statistic: string; period: Duration; label?: string }): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: metricsNamespace(prefix), metricName: metric.name, dimensionsMap: dimensionsOf(metric), ...options });
}

export interface ObservabilityProps {
  readonly prefix: string;
  readonly bus: events.IEventBus;
  readonly deliveryDeadLetterQueue: sqs.IQueue;
  readonly publisher: lambda.Function;
  readonly sessionMonitor: lambda.Function;
  /** The catalog's task-event log (services/tasks/task-event-log/catalog-entry.ts): its rule's pattern and retry policy. */
  readonly taskEvents: RuleTargetEntry;
  readonly api: apigw.RestApi;
  readonly alarmEmail?: string;
  /** Oldest unpublished event tolerated in the outbox (default 60 s). */
  readonly publisherMaxIteratorAge?: Duration;
  /** Watchdog interventions in 15 minutes before the stuck-tasks alarm (default 5). */
  readonly stuckTaskActions?: number;
}

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly taskEventLog: logs.LogGroup;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const key = new kms.Key(this, 'AlarmTopicKey', { description: 'Encrypts the alarm topic (CloudWatch cannot use the AWS managed SNS key).', enableKeyRotation: true });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Alarms', { displayName: `ABCA ${props.prefix} alarms`, masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.taskEventLog = this.copyTaskEvents(props);
    const m = this.taskMetrics(props.prefix);
    const watchdog = {
      interventions: platformMetric(props.prefix, PLATFORM_METRICS.stuckTaskActions, { statistic: 'Sum', period: Duration.minutes(15) }),
      failures: platformMetric(props.prefix, PLATFORM_METRICS.watchdogActionFailures, { statistic: 'Sum', period: Duration.minutes(15) }),
    };
    const functions = Stack.of(this).node.findAll().filter(isPlatformFunction);
    const deadLetterQueues = Stack.of(this).node.findAll().filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue);

    for (const queue of deadLetterQueues) {
      this.alarm(`${queue.node.path.replace(/\//g, '-')}`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), {
        threshold: 0,
        description: `Messages in the dead-letter queue ${queue.node.path}: something could not be delivered or processed. Inspect, fix, then redrive (docs/DEPLOY.md).`,
      });
    }
    const publisherAge = props.publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) });
    this.alarm('PublisherIteratorAge', publisherAge, {
      threshold: (props.publisherMaxIteratorAge ?? Duration.seconds(60)).toMilliseconds(),
      evaluationPeriods: 3,
      description: 'The outbox publisher lags: stored events are not reaching the bus.',
    });
    const monitorAge = props.sessionMonitor.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) });
    this.alarm('SessionMonitorIteratorAge', monitorAge, { threshold: Duration.minutes(5).toMilliseconds(), evaluationPeriods: 3, description: 'Agent telemetry is not being read: progress and final reports lag.' });
    this.alarm('StuckTasks', watchdog.interventions, {
      threshold: (props.stuckTaskActions ?? 5) - 1,
      description: 'The watchdog keeps re-driving or failing stranded tasks: a service is not moving tasks along.',
    });
    this.alarm('WatchdogFailures', watchdog.failures, { threshold: 0, description: 'Watchdog actions fail (it retries on its next sweep).' });
    for (const fn of functions) {
      const rate = new cloudwatch.MathExpression({
        expression: '100 * errors / MAX([errors, invocations])',
        usingMetrics: { errors: fn.metricErrors({ period: Duration.minutes(5) }), invocations: fn.metricInvocations({ period: Duration.minutes(5) }) },
        label: 'error %',
      });
      this.alarm(`ErrorRate-${fn.node.path.replace(/\//g, '-')}`, rate, { threshold: 5, evaluationPeriods: 3, description: `More than 5% of ${fn.node.path}'s invocations fail.` });
    }
    const api5xx = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([errors, requests])',
      usingMetrics: { errors: props.api.metricServerError({ period: Duration.minutes(5) }), requests: props.api.metricCount({ period: Duration.minutes(5) }) },
      label: 'API 5xx %',
    });
    this.alarm('Api5xxRate', api5xx, { threshold: 1, evaluationPeriods: 3, description: 'More than 1% of API requests answer 5xx.' });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${props.prefix}-platform`, defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Tasks by event (submitted, and how they ended)', left: m.byType, width: 12, stacked: false }),
      new cloudwatch.GraphWidget({ title: 'Agent cost (USD) and turns per session', left: [m.cost], right: [m.turns], width: 12 }),
    );
    this.dashboard.addWidgets(
      ...(['TaskSubmitted', 'SessionStarted'] as const).map(
        (from) =>
          new cloudwatch.LogQueryWidget({
            title: from === 'TaskSubmitted' ? 'Task duration (s): submitted → ended' : 'Session duration (s): session started → task ended',
            logGroupNames: [this.taskEventLog.logGroupName],
            view: cloudwatch.LogQueryVisualizationType.TABLE,
            queryLines: taskDurationQuery(from),
            width: 12,
          }),
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Dead-letter queues (messages)', left: deadLetterQueues.map((q) => q.metricApproximateNumberOfMessagesVisible({ label: q.node.path, statistic: 'Maximum' })), width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Iterator age (ms): publisher, session monitor', left: [publisherAge, monitorAge], width: 12 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Function errors', left: functions.map((fn) => fn.metricErrors({ label: fn.node.path })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Function duration p95 (ms)', left: functions.map((fn) => fn.metricDuration({ label: fn.node.path, statistic: 'p95' })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Stuck tasks (watchdog interventions) and API', left: [watchdog.interventions, watchdog.failures], right: [props.api.metricServerError(), props.api.metricClientError(), props.api.metricLatency({ statistic: 'p95' })], width: 8 }),
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, options: { threshold: number; description: string; evaluationPeriods?: number }): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  /** Task events → a log group (EventBridge's CloudWatch Logs target; the log group's resource policy lets it write). */
  private copyTaskEvents(props: ObservabilityProps): logs.LogGroup {
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'TaskEvents', { logGroupName: `/abca/${props.prefix}/task-events`, retention: logs.RetentionDays.ONE_YEAR });
    new logs.ResourcePolicy(this, 'TaskEventsWrite', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com'), new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    const { taskEvents } = props;
    const delivery = { deadLetterQueue: props.deliveryDeadLetterQueue, retryAttempts: taskEvents.retry.maximumRetryAttempts, maxEventAge: Duration.seconds(taskEvents.retry.maximumEventAgeSeconds) };
    const rule = new events.Rule(this, 'TaskEventsToLogs', {
      eventBus: props.bus,
      description: taskEvents.description,
      eventPattern: taskEvents.pattern as events.EventPattern,
    });
    rule.addTarget({
      bind: (r) => {
        targets.addToDeadLetterQueueResourcePolicy(r, props.deliveryDeadLetterQueue);
        return { ...targets.bindBaseTargetConfig(delivery), arn: stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) };
      },
    });
    return logGroup;
  }

  private taskMetrics(prefix: string) {
    const namespace = metricsNamespace(prefix);
    new logs.MetricFilter(this, 'TaskEventsByType', {
      logGroup: this.taskEventLog,
      filterPattern: logs.FilterPattern.exists('$.detail.type'),
      metricNamespace: namespace,
      metricName: 'TaskEvents',
      metricValue: '1',
      dimensions: { Type: '$.detail.type' },
    });
    const types = ['TaskSubmitted', ...NOTIFIED_EVENT_TYPES];
    return {
      byType: types.map((type) => new cloudwatch.Metric({ namespace, metricName: 'TaskEvents', dimensionsMap: { Type: type }, statistic: 'Sum', label: type, period: Duration.minutes(5) })),
      // EMF from the session monitor, once per recorded SessionEnded (services/tasks/session-monitor/session-report.ts).
      cost: platformMetric(prefix, PLATFORM_METRICS.agentCostUsd, { statistic: 'Sum', label: 'cost (USD)', period: Duration.hours(1) }),
      turns: platformMetric(prefix, PLATFORM_METRICS.agentTurns, { statistic: 'Average', label: 'turns', period: Duration.hours(1) }),
    };
  }
}
