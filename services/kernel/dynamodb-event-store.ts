/**
 * EventStore on DynamoDB (docs/ARCHITECTURE.md "The event store"). One item per event at (pk = stream key, sk =
 * sequence), each written only if absent: optimistic concurrency from the key schema alone, as
 * Castore's adapter does. The envelope is stored as one JSON string attribute, which keeps the
 * item cheap to write and to read back (no per-field marshalling) and is what the outbox
 * publisher forwards unchanged.
 *
 * Idempotent retries: a transaction carries a ClientRequestToken derived from the caller's token
 * (or from the event ids); and when a write is refused because the slot is taken, the adapter
 * looks at what is stored there — if it is our own event (same id), the earlier attempt did land
 * and the append reports `appended` instead of a spurious conflict.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import type { EventEnvelope, StreamRef, StreamType } from './envelope';
import { STREAM_TYPES, streamKey } from './envelope';
import type { AppendRequest, AppendResult, EventStore, ReadStreamOptions } from './event-store';
import { MAX_EVENTS_PER_APPEND } from './event-store';
import { EVENT_ITEM, EVENTS_TABLE } from './tables';
import { validateEventData } from './validation';

/** Events are meant to stay small (claim check for large payloads); DynamoDB's hard limit is 400 KB. */
const MAX_EVENT_BYTES = 200 * 1024;

export interface DynamoDbEventStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The store's clock, for `recordedAt`. */
  readonly now?: () => Date;
  /** Validate event data against its schema before writing (default true). */
  readonly validate?: boolean;
}

export class DynamoDbEventStore implements EventStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  private readonly validate: boolean;

  constructor(options: DynamoDbEventStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.validate = options.validate ?? true;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const envelopes = this.prepare([request]);
    if (envelopes.length === 1) return this.putOne(envelopes[0]!);
    return this.transact(envelopes, tokenFor(envelopes.map((e) => e.id).join(',')));
  }

  async appendMany(requests: readonly AppendRequest[], options: { idempotencyToken: string }): Promise<AppendResult> {
    const keys = new Set(requests.map((r) => streamKey(r.stream)));
    if (keys.size !== requests.length) throw new Error('appendMany: each stream may appear once; put all of its events in one request');
    const envelopes = this.prepare(requests);
    // The ids are part of the token: a re-decided append (new events) never collides with an
    // earlier attempt's token, while a resend of the same events is recognised by DynamoDB.
    return this.transact(envelopes, tokenFor(`${options.idempotencyToken}|${envelopes.map((e) => e.id).join(',')}`));
  }

  async readStream(stream: StreamRef, options: ReadStreamOptions = {}): Promise<EventEnvelope[]> {
    const from = options.fromSequence ?? 1;
    const to = options.toSequence;
    const input: QueryCommandInput = {
      TableName: this.tableName,
      ConsistentRead: true,
      KeyConditionExpression: to === undefined ? '#pk = :pk AND #sk >= :from' : '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': EVENT_ITEM.pk, '#sk': EVENT_ITEM.sk, '#e': EVENT_ITEM.envelope },
      ExpressionAttributeValues: {
        ':pk': { S: streamKey(stream) },
        ':from': { N: String(from) },
        ...(to === undefined ? {} : { ':to': { N: String(to) } }),
      },
      ProjectionExpression: '#e',
    };
    const events: EventEnvelope[] = [];
    do {
      const page = await this.client.send(new QueryCommand(input));
      for (const item of page.Items ?? []) events.push(parseItem(item));
      input.ExclusiveStartKey = page.LastEvaluatedKey;
    } while (input.ExclusiveStartKey);
    return events;
  }

  async *listStreams(type?: StreamType): AsyncIterable<StreamRef> {
    const index = EVENTS_TABLE.globalSecondaryIndexes[0].indexName;
    for (const streamType of type ? [type] : STREAM_TYPES) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#t = :t',
        ExpressionAttributeNames: { '#t': EVENT_ITEM.streamType },
        ExpressionAttributeValues: { ':t': { S: streamType } },
      };
      do {
        const page = await this.client.send(new QueryCommand(input));
        for (const item of page.Items ?? []) {
          const key = item[EVENT_ITEM.pk]!.S!;
          yield { type: streamType, id: key.slice(streamType.length + 1) };
        }
        input.ExclusiveStartKey = page.LastEvaluatedKey;
      } while (input.ExclusiveStartKey);
    }
  }

  async *readAll(): AsyncIterable<EventEnvelope> {
    for await (const stream of this.listStreams()) yield* await this.readStream(stream);
  }

  /** Validates and stamps the events: sequences expected+1…, recordedAt from the store's clock. */
  private prepare(requests: readonly AppendRequest[]): EventEnvelope[] {
    const recordedAt = this.now().toISOString();
    const out: EventEnvelope[] = [];
    for (const { stream, expectedSequence, events } of requests) {
      if (!Number.isInteger(expectedSequence) || expectedSequence < 0)
        throw new Error(`expectedSequence must be an integer ≥ 0 (got ${expectedSequence} for ${streamKey(stream)})`);
      if (events.length === 0) throw new Error(`nothing to append to ${streamKey(stream)}`);
      events.forEach((event, i) => {
        if (this.validate) validateEventData(event.type, event.data);
        out.push({ ...event, stream, sequence: expectedSequence + i + 1, recordedAt } as EventEnvelope);
      });
    }
    if (out.length > MAX_EVENTS_PER_APPEND)
      throw new Error(`an atomic append holds at most ${MAX_EVENTS_PER_APPEND} events (got ${out.length})`);
    return out;
  }

  private async putOne(envelope: EventEnvelope): Promise<AppendResult> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(envelope),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': EVENT_ITEM.pk },
        }),
      );
      return { status: 'appended', events: [envelope] };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return this.resolveRefusal([envelope], [envelope.stream]);
    }
  }

  private async transact(envelopes: EventEnvelope[], token: string): Promise<AppendResult> {
    const items: TransactWriteItem[] = envelopes.map((envelope) => ({
      Put: {
        TableName: this.tableName,
        Item: toItem(envelope),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': EVENT_ITEM.pk },
      },
    }));
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }));
      return { status: 'appended', events: envelopes };
    } catch (err) {
      // Same token, other parameters: these very events were sent before (only recordedAt
      // differs); whether they landed is read back below.
      if ((err as Error).name === 'IdempotentParameterMismatchException') return this.resolveRefusal(envelopes, uniqueStreams(envelopes));
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      const refused = envelopes.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      // Cancelled for another reason (TransactionConflict with a concurrent transaction on the same
      // item, throttling): nothing was written, and the caller's re-read will see the winner.
      if (refused.length === 0) return { status: 'conflict', streams: uniqueStreams(envelopes) };
      return this.resolveRefusal(envelopes, uniqueStreams(refused));
    }
  }

  /**
   * A slot was taken. If the first event of every stream of this append is stored under our
   * event id, an earlier attempt of this very append landed (all-or-nothing, so all of it did):
   * report `appended`. Otherwise another writer won: `conflict`.
   */
  private async resolveRefusal(envelopes: EventEnvelope[], refusedStreams: StreamRef[]): Promise<AppendResult> {
    const firsts = uniqueStreams(envelopes).map((stream) => envelopes.find((e) => streamKey(e.stream) === streamKey(stream))!);
    const stored = await Promise.all(firsts.map((e) => this.getEvent(e.stream, e.sequence)));
    if (!stored.every((s, i) => s?.id === firsts[i]!.id)) return { status: 'conflict', streams: refusedStreams };
    const events = await Promise.all(envelopes.map((e) => this.getEvent(e.stream, e.sequence)));
    return { status: 'appended', events: events.map((s, i) => s ?? envelopes[i]!) };
  }

  private async getEvent(stream: StreamRef, sequence: number): Promise<EventEnvelope | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [EVENT_ITEM.pk]: { S: streamKey(stream) }, [EVENT_ITEM.sk]: { N: String(sequence) } },
        ConsistentRead: true,
      }),
    );
    return out.Item ? parseItem(out.Item) : undefined;
  }
}

function toItem(envelope: EventEnvelope): Record<string, AttributeValue> {
  const json = JSON.stringify(envelope);
  if (Buffer.byteLength(json) > MAX_EVENT_BYTES)
    throw new Error(
      `${envelope.type} on ${streamKey(envelope.stream)} is ${Buffer.byteLength(json)} bytes; events must stay under ${MAX_EVENT_BYTES} bytes — store large payloads in the blob store and reference them`,
    );
  return {
    [EVENT_ITEM.pk]: { S: streamKey(envelope.stream) },
    [EVENT_ITEM.sk]: { N: String(envelope.sequence) },
    [EVENT_ITEM.envelope]: { S: json },
    ...(envelope.sequence === 1 ? { [EVENT_ITEM.streamType]: { S: envelope.stream.type } } : {}),
  };
}

/** Parses a stored item (also used on DynamoDB Stream NEW_IMAGE records). */
export function parseItem(item: Record<string, AttributeValue>): EventEnvelope {
  const json = item[EVENT_ITEM.envelope]?.S;
  if (json === undefined) throw new Error(`event item without envelope attribute "${EVENT_ITEM.envelope}"`);
  return JSON.parse(json) as EventEnvelope;
}

/** ClientRequestToken: 1–36 characters; a hash keeps any caller token within that. */
function tokenFor(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 36);
}

function uniqueStreams(envelopes: readonly EventEnvelope[]): StreamRef[] {
  const seen = new Map<string, StreamRef>();
  for (const e of envelopes) seen.set(streamKey(e.stream), e.stream);
  return [...seen.values()];
}
