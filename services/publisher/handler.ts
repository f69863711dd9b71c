/**
 * Lambda entry of the outbox publisher: the event table's DynamoDB Stream (ordered: one batch per
 * shard at a time, ReportBatchItemFailures) → the bus. See publisher.ts.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { busFromEnv } from '../cloud/ports/bus';
import { createLogger } from '../kernel/logger';
import { createPublisher } from './publisher';

const publish = createPublisher({ bus: busFromEnv(process.env, 'the publisher'), logger: createLogger('publisher') });

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => publish(event);
