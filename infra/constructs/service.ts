/**
 * One queue entry of the catalog (services/catalog.ts) in AWS: rule → SQS queue (+ dead-letter queue) → Lambda.
 *
 * - The rule on the platform's bus carries the entry's pattern verbatim (EventBridge's own JSON
 *   spelling, `detail-type`, `$or`...: CDK renders unknown keys as they are). Its target is the
 *   queue, with bounded retries and the bus's delivery dead-letter queue.
 * - An entry with a `schedule` also gets a schedule rule (on the default bus, where EventBridge
 *   schedules live) that sends the `Scheduled Event` to the same queue.
 * - The queue: encrypted, TLS only, visibility timeout 6× the function's timeout (AWS's advice for
 *   SQS event sources: a batch still being retried inside the function is never handed out twice),
 *   redrive to the dead-letter queue after the entry's maxReceiveCount.
 * - The function: the entry's lambdaEntry, timeout, memory and reserved concurrency (an `ordered`
 *   entry runs one batch at a time, as on one machine); ReportBatchItemFailures on the event source,
 *   so only the failed messages come back.
 * - Permissions: the platform's base grant (event store, idempotency records, views) and one grant
 *   per capability of the entry's ports (capabilitiesOfEntry), nothing else.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { capabilitiesOfEntry, visibilityTimeoutSeconds, type Capability, type QueueEntry } from '../../services/catalog';
import type { EventBus } from './event-bus';
import { WorkQueue } from './dead-letter-queue';
import { platformFunction } from './platform-function';

/** How a service function is granted what it needs; the stack supplies one per capability. */
export interface ServiceGrants {
  /** Every service: the event store, the views (and the idempotency records unless `idempotentByConstruction`). */
  readonly base: (fn: lambda.IFunction, entry: { readonly idempotentByConstruction?: boolean }) => void;
  readonly capabilities: Readonly<Record<Capability, (fn: lambda.IFunction) => void>>;
}

export interface ServiceProps {
  readonly entry: QueueEntry;
  readonly prefix: string;
  readonly bus: EventBus;
  /** The environment every service reads (services/cloud/deps-from-env.ts). */
  readonly environment: Readonly<Record<string, string>>;
  readonly grants: ServiceGrants;
}

export class Service extends Construct {
  readonly rule: events.Rule;
  readonly scheduleRule?: events.Rule;
  readonly queue: WorkQueue;
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const { entry, prefix } = props;
    const name = `${prefix}-${entry.name}`;

    this.queue = new WorkQueue(this, 'Queue', {
      queueName: name,
      maxReceiveCount: entry.maxReceiveCount,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(entry)),
    });
    const toQueue = new targets.SqsQueue(this.queue.queue, props.bus.targetDelivery());

    this.rule = new events.Rule(this, 'Rule', {
      ruleName: name,
      description: entry.description.slice(0, 512),
      eventBus: props.bus.bus,
      eventPattern: entry.pattern as events.EventPattern,
      targets: [toQueue],
    });
    if (entry.schedule) {
      this.scheduleRule = new events.Rule(this, 'ScheduleRule', {
        ruleName: `${name}-schedule`,
        description: `${entry.name}: ${entry.schedule}`,
        schedule: events.Schedule.expression(entry.schedule),
        targets: [toQueue],
      });
    }

    const reserved = entry.reservedConcurrency ?? (entry.ordered ? 1 : undefined);
    this.function = platformFunction(this, 'Function', {
      entry: entry.lambdaEntry,
      serviceName: entry.name,
      description: entry.description.slice(0, 256),
      timeout: Duration.seconds(entry.timeoutSeconds),
      memorySize: entry.memoryMb,
      reservedConcurrentExecutions: reserved,
      environment: props.environment,
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: entry.batchSize,
        // The pollers stay within the reserved concurrency, so batches are not throttled back to
        // the queue (each throttle counts towards maxReceiveCount). SQS allows no fewer than 2:
        // a service reserved to 1 (the watchdog) may see a rare throttle, retried after the
        // visibility timeout; its minute schedule covers the delay.
        ...(reserved !== undefined && reserved >= 2 ? { maxConcurrency: reserved } : {}),
        // SQS needs a batching window for batches above 10 messages; 1 s keeps the latency low.
        ...(entry.batchSize > 10 ? { maxBatchingWindow: Duration.seconds(1) } : {}),
        reportBatchItemFailures: true,
      }),
    );

    props.grants.base(this.function, entry);
    for (const capability of capabilitiesOfEntry(entry)) props.grants.capabilities[capability](this.function);
  }
}
