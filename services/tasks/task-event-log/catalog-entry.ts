/**
 * The task-event log's catalog entry (services/catalog.ts lists it): a rule that copies every task
 * event into a CloudWatch log group, whose metric filters make the task metrics and whose lines are
 * the audit trail (infra/constructs/observability.ts). No code; only in the CDK app.
 */
import { defineEntry } from '../../catalog-entry';

export const taskEventLogEntry = defineEntry({
  kind: 'rule-target',
  name: 'task-event-log',
  description: 'Copies every task event into a log group: task metrics (metric filters) and an audit trail.',
  pattern: { source: ['abca.task'] },
  target: 'log-group',
  // EventBridge's own maximum: a day of retries, then the bus's delivery dead-letter queue.
  retry: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 24 * 3600 },
  cloudOnly: true,
  emits: [],
});
