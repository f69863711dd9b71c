/**
 * Agent telemetry (docs/ARCHITECTURE.md "The agent"): the Kinesis stream agents write progress, heartbeats and their
 * final report to (partition key = task id), and the session monitor that reads it
 * (services/tasks/session-monitor/telemetry-consumer.ts).
 *
 * - The stream is encrypted with the AWS managed key (`aws/kinesis`): producers need no KMS
 *   permission, so the agent's role stays at PutRecord(s). Provisioned with one shard by default
 *   (1 MB/s in: thousands of concurrent agents' telemetry), 24 h retention.
 * - The monitor is the catalog's kinesis entry (services/tasks/session-monitor/catalog-entry.ts),
 *   added with `addMonitor`; its event source has the entry's settings (batch size and batching
 *   window, bisect on error, bounded retries), ReportBatchItemFailures (the consumer reports the
 *   first failed record of a task), and then the batch's position goes to a dead-letter queue.
 */
import { Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { KinesisEntry } from '../../services/catalog';
import { DeadLetterQueue } from './dead-letter-queue';
import { platformFunction } from './platform-function';
import { streamEventSourceProps } from './stream-event-source';

export interface TelemetryProps {
  readonly prefix: string;
  readonly shardCount?: number;
}

/** The stream first (the compute's role and the services' environment name it), the monitor once they exist. */
export class Telemetry extends Construct {
  readonly stream: kinesis.Stream;
  readonly deadLetterQueue: DeadLetterQueue;
  private sessionMonitor?: lambda.Function;

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id);
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamName: `${props.prefix}-telemetry`,
      encryption: kinesis.StreamEncryption.MANAGED,
      streamMode: kinesis.StreamMode.PROVISIONED,
      shardCount: props.shardCount ?? 1,
      retentionPeriod: Duration.hours(24),
    });
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue');
  }

  get monitor(): lambda.Function {
    if (!this.sessionMonitor) throw new Error('Telemetry: addMonitor() first');
    return this.sessionMonitor;
  }

  /** The session monitor (the catalog's kinesis entry), with the environment every service reads (it appends SessionEnded and writes the progress view). */
  addMonitor(entry: KinesisEntry, environment: Readonly<Record<string, string>>): lambda.Function {
    const monitor = platformFunction(this, 'SessionMonitor', {
      entry: entry.lambdaEntry,
      serviceName: entry.name,
      description: entry.description,
      timeout: Duration.seconds(entry.timeoutSeconds),
      memorySize: entry.memoryMb,
      environment,
    });
    monitor.addEventSource(new KinesisEventSource(this.stream, streamEventSourceProps(entry.eventSource, this.deadLetterQueue)));
    this.sessionMonitor = monitor;
    return monitor;
  }
}
