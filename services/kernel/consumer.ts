/**
 * The consumer runtime every event-driven service shares. A service is a function of one event;
 * this wraps it into an SQS-batch Lambda handler (rule → queue → Lambda, in AWS and on one machine):
 *
 * - parses the EventBridge event in each message and validates the envelope (validation on receive);
 * - makes the service idempotent on the event id (Powertools idempotency on DynamoDB; records kept
 *   48 h, longer than EventBridge's 24 h retry window), so at-least-once delivery is safe;
 * - reports partial batch failures (only the failed messages come back), and in `ordered` mode
 *   stops at the first failure so later messages are not processed ahead of it;
 * - logs with the correlation id (the task id) and the event id.
 */
import { BatchProcessor, EventType, processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventEnvelope } from './envelope';
import { createLogger, type Logger } from './logger';
import { validateEnvelope } from './validation';

export const IDEMPOTENCY_TTL_SECONDS = 48 * 3600;

export interface HandlerContext {
  readonly logger: Logger;
  /** The service's clock (commands take their time from it). */
  readonly now: () => Date;
}

export type EventHandler = (event: EventEnvelope, context: HandlerContext) => Promise<void>;

export interface ConsumerOptions {
  readonly name: string;
  readonly handle: EventHandler;
  /** Idempotency records; omit only for handlers that are idempotent by construction. */
  readonly idempotency?: BasePersistenceLayer;
  readonly ordered?: boolean;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The EventBridge event in an SQS message body; its `detail` is our envelope. */
export function envelopeFromSqsRecord(record: SQSRecord): EventEnvelope {
  const body = JSON.parse(record.body) as { detail?: unknown };
  const envelope = body.detail ?? body;
  validateEnvelope(envelope);
  return envelope as EventEnvelope;
}

export function createSqsConsumer(options: ConsumerOptions): SqsBatchHandler {
  const logger = options.logger ?? createLogger(options.name);
  const now = options.now ?? (() => new Date());
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'eventId', expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS });

  const run = async (key: { eventId: string }, envelope: EventEnvelope): Promise<{ handled: string }> => {
    await options.handle(envelope, { logger, now });
    return { handled: key.eventId };
  };
  const idempotentRun = options.idempotency
    ? makeIdempotent(run, { persistenceStore: options.idempotency, config, dataIndexArgument: 0, keyPrefix: options.name })
    : run;

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const envelope = envelopeFromSqsRecord(record);
    const keys = { correlationId: envelope.correlationId, eventId: envelope.id, eventType: envelope.type };
    logger.appendKeys(keys);
    try {
      await idempotentRun({ eventId: envelope.id }, envelope);
      logger.debug('handled');
    } catch (err) {
      logger.error('failed; the message will be retried', err as Error);
      throw err;
    } finally {
      logger.removeKeys(Object.keys(keys));
    }
  };

  return async (event, context) => {
    // In-progress records expire with the invocation (as in Lambda): a crash mid-event does not
    // block the retry until the record's 48 h expiry.
    config.registerLambdaContext(context);
    const processor = options.ordered ? new SqsFifoPartialProcessorAsync() : new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
  };
}
