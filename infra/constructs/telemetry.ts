/**
 * Agent telemetry (docs/ARCHITECTURE.md "The agent"): the Kinesis stream agents write progress, heartbeats and their
 * final report to (partition key = task id), and the session monitor that reads it
 * (services/tasks/session-monitor/telemetry-consumer.ts).
 *
 * - The stream is encrypted with the AWS managed key (`aws/kinesis`): producers need no KMS
 *   permission, so the agent's role stays at PutRecord(s). Provisioned with one shard by default
 *   (1 MB/s in: thousands of concurrent agents' telemetry), 24 h retention.
 * - The monitor's event source: from the stream's start, ReportBatchItemFailures (the consumer
 *   reports the first failed record of a task), bisect on error, bounded retries, then the batch's
 *   position goes to a dead-letter queue. A lost progress line costs nothing; a lost final report is
 *   covered by the watchdog (HEARTBEAT_LOST after the heartbeat limit).
 */
import { Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';
import { platformFunction } from './platform-function';

/**
 * The session monitor's event source on the stream. Lambda invokes the monitor once per batch: a
 * batch closes after the batching window or at `batchSize` records, so a session costs about one
 * invocation per burst of telemetry (bench/session-hour.ts counts a session-hour from these values).
 * 1 s keeps progress live in `watch`; a quiet agent is heard from once per heartbeat interval
 * (services/tasks/session/heartbeat.ts), which is what bounds the invocations.
 */
export const SESSION_MONITOR_EVENT_SOURCE = { batchSize: 100, maxBatchingWindowSeconds: 1 } as const;

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

  /** The session monitor, with the environment every service reads (it appends SessionEnded and writes the progress view). */
  addMonitor(environment: Readonly<Record<string, string>>): lambda.Function {
    const monitor = platformFunction(this, 'SessionMonitor', {
      entry: 'services/tasks/session-monitor/handler.ts',
      serviceName: 'session-monitor',
      description: 'Agent telemetry → the progress view; final reports → SessionEnded.',
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment,
    });
    monitor.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: SESSION_MONITOR_EVENT_SOURCE.batchSize,
        maxBatchingWindow: Duration.seconds(SESSION_MONITOR_EVENT_SOURCE.maxBatchingWindowSeconds),
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
    this.sessionMonitor = monitor;
    return monitor;
  }
}
