/**
 * The platform's custom event bus, with
 * - an archive of every event it carries (retention configurable, default 365 days): replays feed
 *   evaluation and re-drive consumers after a fix (`aws events start-replay`, docs/DEPLOY.md);
 * - one dead-letter queue for deliveries the bus gives up on (a target that kept refusing, or was
 *   gone): every rule target of the platform names it, with a bounded retry policy.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';

export interface EventBusProps {
  readonly busName: string;
  readonly archiveRetentionDays: number;
}

export class EventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;
  /** Events the bus could not deliver to a target. */
  readonly deliveryDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: EventBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: props.busName });
    this.archive = this.bus.archive('Archive', {
      archiveName: `${props.busName}-all`,
      description: 'Every event on the bus, for replay (evaluation, re-driving consumers after a fix).',
      // Every event on this bus comes from this account: the pattern matches them all.
      eventPattern: { account: [Stack.of(this).account] },
      retention: Duration.days(props.archiveRetentionDays),
    });
    this.deliveryDeadLetterQueue = new DeadLetterQueue(this, 'DeliveryDeadLetterQueue');
  }

  /** What every rule target of the platform gets: bounded retries, then the dead-letter queue. */
  targetDelivery(): Pick<targets.SqsQueueProps, 'deadLetterQueue' | 'retryAttempts' | 'maxEventAge'> {
    return { deadLetterQueue: this.deliveryDeadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) };
  }
}
