/**
 * A catalog entry's stream event source (services/catalog-entry.ts StreamEventSource) as the CDK's
 * DynamoEventSource / KinesisEventSource take it: the entry's settings, always with
 * ReportBatchItemFailures (the consumers report the first record they could not handle) and the
 * entry's dead-letter queue as the on-failure destination.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { StreamEventSource } from '../../services/catalog';

export function streamEventSourceProps(source: StreamEventSource, deadLetterQueue: sqs.IQueue) {
  return {
    startingPosition: lambda.StartingPosition[source.startingPosition],
    batchSize: source.batchSize,
    ...(source.maxBatchingWindowSeconds !== undefined ? { maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds) } : {}),
    ...(source.parallelizationFactor !== undefined ? { parallelizationFactor: source.parallelizationFactor } : {}),
    bisectBatchOnError: source.bisectBatchOnError,
    retryAttempts: source.retryAttempts,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(deadLetterQueue),
  };
}
