/**
 * The progress stores on DynamoDB:
 *
 *   DynamoDbProgressViewStore    PROGRESS_VIEW_TABLE, one item per task. `apply` reads the item
 *                                (strongly consistent), merges the records (mergeTelemetry) and writes
 *                                only if that changed something, conditioned on the revision it read
 *                                (attribute_not_exists for a new item); on a conflict it reads and
 *                                merges again. Duplicates and late records never regress the view.
 *   DynamoDbProgressEventsStore  PROGRESS_EVENTS_TABLE, one item per progress record (taskId, seq),
 *                                written with BatchWriteItem (a re-delivered record overwrites itself
 *                                with the same content); listProgress queries by seq.
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { TelemetryRecord } from '../../schemas/agent/contracts';
import { checkLimit } from '../cursor';
import {
  DEFAULT_MAX_LINES,
  mergeTelemetry,
  sameProgress,
  type HeartbeatReader,
  type ProgressEventItem,
  type ProgressEventStore,
  type ProgressPage,
  type ProgressRecord,
  type ProgressView,
  type ProgressViewStore,
} from './progress-view';

export interface DynamoDbProgressViewStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Lines kept per task (default 50). */
  readonly maxLines?: number;
  /** Read-merge-write attempts on conflicting writers (default 8). */
  readonly maxAttempts?: number;
}

class ProgressConflictError extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(taskId: string, attempts: number) {
    super(`progress view of task ${taskId}: still conflicting after ${attempts} attempts; the records can be applied again`);
    this.name = 'ProgressConflictError';
  }
}

export class DynamoDbProgressViewStore implements ProgressViewStore, HeartbeatReader {
  private readonly client: DynamoDBClient;
  readonly tableName: string;
  private readonly maxLines: number;
  private readonly maxAttempts: number;

  constructor(options: DynamoDbProgressViewStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  async get(taskId: string): Promise<ProgressView | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { taskId: { S: taskId } }, ConsistentRead: true }));
    return out.Item ? fromItem(unmarshall(out.Item)) : undefined;
  }

  /** The latest heartbeat or progress time of the task's agent (its last sign of life), or null. */
  async lastHeartbeatAt(taskId: string): Promise<string | null> {
    const view = await this.get(taskId);
    if (!view) return null;
    return view.lastSeenAt === '' ? view.lastHeartbeatAt : view.lastSeenAt;
  }

  async apply(taskId: string, records: readonly TelemetryRecord[]): Promise<'saved' | 'unchanged'> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = (await this.get(taskId)) ?? null;
      const next = mergeTelemetry(current, taskId, records, this.maxLines);
      if (next === null || sameProgress(current, next)) return 'unchanged';
      const revision = (current?.revision ?? 0) + 1;
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: marshall(toItem({ ...next, revision }), { removeUndefinedValues: true }),
            ...(current === null
              ? { ConditionExpression: 'attribute_not_exists(taskId)' }
              : { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'revision' }, ExpressionAttributeValues: { ':rev': { N: String(current.revision) } } }),
          }),
        );
        return 'saved';
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
    throw new ProgressConflictError(taskId, this.maxAttempts);
  }
}

function toItem(view: ProgressView): Record<string, unknown> {
  return { ...view, lines: view.lines.map((l) => ({ ...l })) };
}

function fromItem(item: Record<string, unknown>): ProgressView {
  return {
    taskId: item.taskId as string,
    sessionId: item.sessionId as string,
    lastSeq: item.lastSeq as number,
    lines: (item.lines as ProgressView['lines'] | undefined) ?? [],
    lastHeartbeatAt: (item.lastHeartbeatAt as string | null | undefined) ?? null,
    lastSeenAt: (item.lastSeenAt as string | undefined) ?? '',
    turns: (item.turns as number | undefined) ?? 0,
    costUsd: (item.costUsd as number | undefined) ?? 0,
    revision: (item.revision as number | undefined) ?? 0,
  };
}

export interface DynamoDbProgressEventsStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** How long records are kept (`expiresAt` = time of writing + this), default 90 days. */
  readonly retentionDays?: number;
  readonly now?: () => Date;
}

const BATCH_WRITE_MAX = 25;

export class DynamoDbProgressEventsStore implements ProgressEventStore {
  private readonly client: DynamoDBClient;
  readonly tableName: string;
  private readonly retentionSeconds: number;
  private readonly now: () => Date;

  constructor(options: DynamoDbProgressEventsStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
    this.retentionSeconds = Math.round((options.retentionDays ?? 90) * 86_400);
  }

  async append(records: readonly ProgressRecord[]): Promise<void> {
    // One item per (taskId, seq); a key twice in one BatchWriteItem is refused, so dedupe first.
    const unique = new Map<string, ProgressRecord>();
    for (const r of records) if (!unique.has(`${r.taskId}|${r.seq}`)) unique.set(`${r.taskId}|${r.seq}`, r);
    const requests: WriteRequest[] = [...unique.values()].map((r) => ({ PutRequest: { Item: marshall(this.toItem(r), { removeUndefinedValues: true }) } }));
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) await this.write(requests.slice(i, i + BATCH_WRITE_MAX));
  }

  async listProgress(taskId: string, options: { readonly after?: number; readonly limit: number }): Promise<ProgressPage> {
    checkLimit(options.limit);
    const after = options.after ?? 0;
    if (!Number.isInteger(after) || after < 0) throw new RangeError(`after must be a whole number ≥ 0 (got ${options.after})`);
    const items: ProgressEventItem[] = [];
    let start: Record<string, AttributeValue> | undefined;
    const want = options.limit + 1; // one more tells whether there is a next page
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'taskId = :t AND seq > :after',
          ExpressionAttributeValues: { ':t': { S: taskId }, ':after': { N: String(after) } },
          ScanIndexForward: true,
          ConsistentRead: true,
          Limit: want - items.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) items.push(fromEventItem(unmarshall(item)));
      start = page.LastEvaluatedKey;
    } while (start && items.length < want);
    if (items.length <= options.limit) return { items };
    const pageItems = items.slice(0, options.limit);
    return { items: pageItems, nextAfter: pageItems.at(-1)!.seq };
  }

  private toItem(r: ProgressRecord): Record<string, unknown> {
    // Expiry counts from the write, not from the agent's clock (skewed, or a replay of old records).
    // recordedAt (the platform's clock) orders the API's merged event list by arrival.
    const now = this.now();
    return { taskId: r.taskId, seq: r.seq, sessionId: r.sessionId, at: r.at, recordedAt: now.toISOString(), event: r.event, expiresAt: Math.floor(now.getTime() / 1000) + this.retentionSeconds };
  }

  private async write(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt > 8) throw new Error(`progress events: ${pending.length} item(s) still unprocessed after ${attempt} attempts`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
      }
      const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = out.UnprocessedItems?.[this.tableName] ?? [];
    }
  }
}

function fromEventItem(item: Record<string, unknown>): ProgressEventItem {
  return {
    taskId: item.taskId as string,
    sessionId: item.sessionId as string,
    seq: item.seq as number,
    at: item.at as string,
    ...(typeof item.recordedAt === 'string' ? { recordedAt: item.recordedAt } : {}),
    event: item.event as ProgressEventItem['event'],
  };
}
