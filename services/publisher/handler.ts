/**
 * Lambda entry of the outbox publisher: the event table's DynamoDB Stream (ordered: one batch per
 * shard at a time, ReportBatchItemFailures) → the bus. See publisher.ts.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { instrumented } from '../cloud/instrument';
import { busFromEnv } from '../cloud/ports/bus';
import { createLogger } from '../kernel/logger';
import { createPublisher } from './publisher';

const publish = createPublisher({ bus: busFromEnv(process.env, 'the publisher'), logger: createLogger('publisher') });

/** Traced per invocation (services/cloud/instrument.ts). */
export const handler = instrumented('publisher', (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => publish(event));
