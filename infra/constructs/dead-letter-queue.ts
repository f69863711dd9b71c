/**
 * Queues of the platform. Every queue is encrypted (SSE-SQS) and refuses plain HTTP (enforceSSL).
 *
 * SSE-SQS rather than a customer-managed KMS key: EventBridge, Lambda's event-source failure
 * destinations and EventBridge Scheduler all write to these queues, and each would need the key's
 * policy to name it (a missed one drops messages silently into a delivery failure); SSE-SQS
 * encrypts at rest with no key policy to get wrong and no KMS request charges.
 *
 * `DeadLetterQueue` marks the queues that hold what could not be delivered or processed: the
 * observability construct finds every one of them and alarms on its depth, so a new one cannot be
 * forgotten.
 */
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

const SAFE: Pick<sqs.QueueProps, 'encryption' | 'enforceSSL'> = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true };

export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: Pick<sqs.QueueProps, 'queueName'> = {}) {
    // Kept 14 days (the SQS maximum): time to notice the alarm, fix the cause, and redrive.
    super(scope, id, { ...props, ...SAFE, retentionPeriod: Duration.days(14) });
    acknowledge(this, 'AwsSolutions-SQS3', 'This is a dead-letter queue (of a queue, a stream event source, a bus target or Scheduler); cdk-nag only recognises those named in another queue\'s redrive policy.');
  }
}

export interface WorkQueueProps {
  readonly queueName?: string;
  /** Deliveries before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly visibilityTimeout: Duration;
}

/** A queue with its dead-letter queue (redrive after `maxReceiveCount` deliveries). */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', props.queueName ? { queueName: `${props.queueName}-dlq` } : {});
    this.queue = new sqs.Queue(this, 'Queue', {
      ...SAFE,
      queueName: props.queueName,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
