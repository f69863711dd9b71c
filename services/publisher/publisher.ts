/**
 * The outbox publisher: the event table's DynamoDB Stream → the bus. Every inserted item is one
 * stored event; its envelope goes to the bus unchanged. Records are published in stream order;
 * when a chunk cannot be published, the batch reports the first unpublished record as failed, so
 * the event source (Lambda's, or the local poller) retries from there — later records are never
 * published ahead of an earlier one that failed, and nothing is skipped.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { EventEnvelope } from '../kernel/envelope';
import type { EventBus } from '../kernel/event-bus';
import { parseItem } from '../kernel/dynamodb-event-store';
import type { Logger } from '../kernel/logger';
import { MAX_ENTRIES_PER_PUT } from '../kernel/eventbridge-event-bus';

export interface PublisherDeps {
  readonly bus: EventBus;
  readonly logger: Logger;
}

export function createPublisher({ bus, logger }: PublisherDeps) {
  return async function publish(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const inserts = event.Records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage);
    for (let i = 0; i < inserts.length; i += MAX_ENTRIES_PER_PUT) {
      const chunk = inserts.slice(i, i + MAX_ENTRIES_PER_PUT);
      try {
        await bus.publish(chunk.map(envelopeOf));
      } catch (err) {
        const first = chunk[0]!;
        logger.error('publishing failed; the batch resumes from this record', {
          sequenceNumber: first.dynamodb?.SequenceNumber,
          unpublished: inserts.length - i,
          error: (err as Error).message,
        });
        return { batchItemFailures: [{ itemIdentifier: first.dynamodb!.SequenceNumber! }] };
      }
    }
    if (inserts.length) logger.debug('published', { count: inserts.length });
    return { batchItemFailures: [] };
  };
}

function envelopeOf(record: DynamoDBRecord): EventEnvelope {
  return parseItem(record.dynamodb!.NewImage as Record<string, AttributeValue>);
}
