/**
 * Turns the catalog's queue entries (its services and projections) into rules, targets and queue
 * consumers on the local EventBridge —
 * through the EventBridge API, as a deployer's tooling would, so the embedded platform exercises
 * the same patterns the CDK app deploys. Per entry: rule `abca-<name>` (the catalog's pattern) →
 * queue `abca-<name>` (dead-letter queue `abca-<name>-dlq`) → the service's SQS consumer.
 */
import { PutRuleCommand, PutTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { entryConsumer, visibilityTimeoutSeconds, type QueueEntry } from '../../services/catalog-entry';
import type { PortFactories } from '../../services/ports/registry';
import type { LocalEventBridge } from '../eventbridge/server';

/** Concurrent batches per service queue on one machine (Lambda would scale further). */
const DEFAULT_CONSUMER_CONCURRENCY = 10;

const resourceName = (entry: Pick<QueueEntry, 'name'>) => `abca-${entry.name}`;

export async function wireCatalog(options: {
  readonly catalog: readonly QueueEntry[];
  readonly eventBridge: LocalEventBridge;
  readonly client: EventBridgeClient;
  readonly busName: string;
  /** The platform's registry: each entry's consumer is built with exactly its ports. */
  readonly registry: PortFactories;
  /** Leave the sweep schedule out (tests trigger the watchdog themselves). */
  readonly schedules?: boolean;
  /** Overrides every queue's visibility timeout (how soon a failed message is retried); tests use a short one. */
  readonly visibilityTimeoutMs?: number;
}): Promise<void> {
  const { eventBridge, client, busName, registry } = options;
  for (const entry of options.catalog) {
    const name = resourceName(entry);
    const queueArn = eventBridge.queueArn(name);
    const dlqArn = eventBridge.queueArn(`${name}-dlq`);
    await client.send(new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: JSON.stringify(entry.pattern), State: 'ENABLED', Description: entry.description }));
    await client.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: 'queue', Arn: queueArn, DeadLetterConfig: { Arn: dlqArn } }] }));
    if (entry.schedule && options.schedules !== false) {
      // Scheduled rules live on the default bus, as in AWS.
      await client.send(new PutRuleCommand({ Name: `${name}-schedule`, ScheduleExpression: entry.schedule, State: 'ENABLED' }));
      await client.send(new PutTargetsCommand({ Rule: `${name}-schedule`, Targets: [{ Id: 'queue', Arn: queueArn }] }));
    }
    const consumer = entryConsumer(entry, registry);
    await eventBridge.registerQueueConsumer(name, consumer, {
      batchSize: entry.batchSize,
      // As in the CDK app: the visibility timeout covers the function's timeout with room to spare.
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? visibilityTimeoutSeconds(entry) * 1000,
      maxReceiveCount: entry.maxReceiveCount,
      deadLetterQueue: `${name}-dlq`,
      functionName: name,
      // Lambda polls a queue with several concurrent batches; an ordered service takes one at a time.
      maxConcurrency: entry.ordered ? 1 : (entry.reservedConcurrency ?? DEFAULT_CONSUMER_CONCURRENCY),
    });
  }
}
