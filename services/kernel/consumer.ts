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

const IDEMPOTENCY_TTL_SECONDS = 48 * 3600;

export interface HandlerContext {
  readonly logger: Logger;
  /** The service's clock (commands take their time from it). */
  readonly now: () => Date;
}

type EventHandler = (event: EventEnvelope, context: HandlerContext) => Promise<void>;

/** An EventBridge event that is not a domain event: a schedule firing (sweep, deadline). */
export interface Trigger {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly time: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

type TriggerHandler = (trigger: Trigger, context: HandlerContext) => Promise<void>;

/** What a catalog service provides: a handler for domain events, for triggers, or both. */
export interface ServiceHandlers {
  readonly onEvent?: EventHandler;
  readonly onTrigger?: TriggerHandler;
}

export interface ConsumerOptions {
  readonly name: string;
  readonly handlers: ServiceHandlers;
  /** Idempotency records (a layer of this consumer's own); omit only for handlers idempotent by construction. */
  readonly idempotency?: BasePersistenceLayer;
  readonly ordered?: boolean;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

type Incoming = { kind: 'event'; event: EventEnvelope } | { kind: 'trigger'; trigger: Trigger };

/**
 * The EventBridge event in an SQS message body: a domain event (its `detail` is our envelope,
 * validated here) or a trigger (anything else, e.g. a schedule).
 */
function parseSqsRecord(record: SQSRecord): Incoming {
  const body = JSON.parse(record.body) as { id?: string; source?: string; 'detail-type'?: string; time?: string; detail?: Record<string, unknown> };
  const detail = body.detail ?? {};
  if (typeof body.source === 'string' && body.source.startsWith('abca.') && 'stream' in detail && 'sequence' in detail) {
    validateEnvelope(detail);
    return { kind: 'event', event: detail as unknown as EventEnvelope };
  }
  return {
    kind: 'trigger',
    trigger: { id: body.id ?? record.messageId, source: body.source ?? 'unknown', detailType: body['detail-type'] ?? 'unknown', time: body.time ?? new Date().toISOString(), detail },
  };
}

export function createSqsConsumer(options: ConsumerOptions): SqsBatchHandler {
  const logger = options.logger ?? createLogger(options.name);
  const now = options.now ?? (() => new Date());
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'eventId', expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS });

  const run = async (key: { eventId: string }, incoming: Incoming): Promise<{ handled: string }> => {
    const context = { logger, now };
    if (incoming.kind === 'event') await options.handlers.onEvent?.(incoming.event, context);
    else await options.handlers.onTrigger?.(incoming.trigger, context);
    return { handled: key.eventId };
  };
  const idempotentRun = options.idempotency
    ? makeIdempotent(run, { persistenceStore: options.idempotency, config, dataIndexArgument: 0, keyPrefix: options.name })
    : run;

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const incoming = parseSqsRecord(record);
    const keys =
      incoming.kind === 'event'
        ? { correlationId: incoming.event.correlationId, eventId: incoming.event.id, eventType: incoming.event.type }
        : { correlationId: String(incoming.trigger.detail.taskId ?? incoming.trigger.id), eventId: incoming.trigger.id, eventType: incoming.trigger.detailType };
    logger.appendKeys(keys);
    try {
      await idempotentRun({ eventId: keys.eventId }, incoming);
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
