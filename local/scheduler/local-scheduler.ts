/**
 * A durable Scheduler (services/ports/scheduler.ts) for one machine: the stand-in for EventBridge
 * Scheduler's one-time schedules, kept in DynamoDB (Local) so that a restart loses nothing.
 *
 * - `scheduleOnce(name, at, event)` writes one item (named: scheduling the same name again replaces
 *   it, so a retried call is harmless); `cancel(name)` deletes it (a no-op when it is gone).
 * - A tick reads the schedules in due order, puts each event that is due on the bus (`PutEvents`
 *   through an EventBridgeClient, or any publish function), and deletes the item only after the put
 *   succeeded, and only if it is still the version that was fired (a schedule replaced meanwhile is
 *   kept). Delivery is at least once: a crash between the put and the delete fires the schedule
 *   again after the restart, so consumers must be idempotent (the watchdog is).
 * - The loop waits on the data rather than polling: after a tick it sleeps until the earliest
 *   schedule is due (at most `tickMs`, for schedules stored by another process), and
 *   `scheduleOnce` / `cancel` in this process wake it. A schedule the bus refused is tried again
 *   after `retryMs`.
 * - Overdue schedules (the process was down at their time) fire at the first tick after the start.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent, Scheduler } from '../../services/ports/scheduler';
import { DUE_BUCKET, SCHEDULE_ITEM, SCHEDULES_TABLE } from '../../services/adapters/scheduler/schedules-table';

/** A schedule that came due, as it is handed to a publish function. */
export interface DueSchedule extends ScheduledEvent {
  readonly name: string;
  readonly at: Date;
}

type PublishDue = (due: DueSchedule) => Promise<void>;

type SchedulerTarget =
  /** PutEvents on this bus (the local EventBridge, or AWS). */
  | { readonly eventBridge: EventBridgeClient; readonly eventBusName: string }
  /** Anything else (tests, or an in-process router). Throw to keep the schedule for the next tick. */
  | { readonly publish: PublishDue };

export type SchedulerLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface LocalSchedulerOptions {
  readonly client: DynamoDBClient;
  /** The physical name of a table made from SCHEDULES_TABLE. */
  readonly tableName: string;
  readonly target: SchedulerTarget;
  /** Longest wait between two ticks (default 5000 ms); the loop otherwise sleeps until the next schedule is due. */
  readonly tickMs?: number;
  /** Wait before a schedule the bus refused is tried again (default 200 ms, at most tickMs). */
  readonly retryMs?: number;
  /** Schedules fired per query (default 25); a tick keeps querying while pages come back full. */
  readonly batchSize?: number;
  /** The scheduler's clock (tests pass a fake one). */
  readonly now?: () => Date;
  readonly log?: SchedulerLog;
}

/** EventBridge Scheduler's rule for schedule names. */
const NAME = /^[0-9A-Za-z._-]{1,64}$/;

export class LocalScheduler implements Scheduler {
  private readonly tickMs: number;
  private readonly retryMs: number;
  private readonly batchSize: number;
  private readonly now: () => Date;
  private readonly log: SchedulerLog;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<number> | undefined;
  /** What the last tick left: the earliest schedule not yet due, and whether a put failed. */
  private nextDueAt: number | undefined;
  private failed = false;
  /** Set by scheduleOnce / cancel: the table changed since the tick in progress began. */
  private changed = false;

  constructor(private readonly options: LocalSchedulerOptions) {
    this.tickMs = options.tickMs ?? 5000;
    this.retryMs = Math.min(this.tickMs, options.retryMs ?? 200);
    this.batchSize = options.batchSize ?? 25;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
  }

  async scheduleOnce(name: string, at: Date, event: ScheduledEvent): Promise<void> {
    if (!NAME.test(name)) throw new Error(`schedule name ${JSON.stringify(name)} must be 1-64 characters of letters, digits, '.', '_' or '-'`);
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new Error(`schedule ${name}: the time must be a valid Date`);
    if (!event.source || !event.detailType) throw new Error(`schedule ${name}: the event needs a source and a detailType`);
    await this.options.client.send(
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: {
          [SCHEDULE_ITEM.name]: { S: name },
          [SCHEDULE_ITEM.bucket]: { S: DUE_BUCKET },
          [SCHEDULE_ITEM.dueAt]: { N: String(at.getTime()) },
          [SCHEDULE_ITEM.event]: { S: JSON.stringify({ source: event.source, detailType: event.detailType, detail: event.detail }) },
          [SCHEDULE_ITEM.version]: { S: randomUUID() },
          [SCHEDULE_ITEM.createdAt]: { S: this.now().toISOString() },
        },
      }),
    );
    this.log('debug', 'schedule stored', { name, at: at.toISOString() });
    this.wake();
  }

  async cancel(name: string): Promise<void> {
    await this.options.client.send(new DeleteItemCommand({ TableName: this.options.tableName, Key: { [SCHEDULE_ITEM.name]: { S: name } } }));
    this.log('debug', 'schedule cancelled', { name });
    this.wake();
  }

  /** The table changed: look again now (the next due time may be earlier). */
  private wake(): void {
    this.changed = true;
    if (!this.running || this.inFlight || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.loop();
  }

  private readonly loop = (): void => {
    if (!this.running) return;
    this.changed = false;
    this.inFlight = this.tick()
      .catch((err: Error) => {
        this.log('error', 'scheduler tick failed; retrying', { error: err.message });
        this.failed = true;
        return 0;
      })
      .finally(() => {
        this.inFlight = undefined;
        if (this.running) this.timer = setTimeout(this.loop, this.nextWaitMs());
      });
  };

  /** How long the loop sleeps after a tick. */
  private nextWaitMs(): number {
    if (this.changed) return 0;
    if (this.failed) return this.retryMs;
    if (this.nextDueAt === undefined) return this.tickMs;
    return Math.min(this.tickMs, Math.max(0, this.nextDueAt - this.now().getTime()));
  }

  /** The stored schedule of that name (undefined when it fired or was cancelled). */
  async get(name: string): Promise<DueSchedule | undefined> {
    const out = await this.options.client.send(
      new GetItemCommand({ TableName: this.options.tableName, Key: { [SCHEDULE_ITEM.name]: { S: name } }, ConsistentRead: true }),
    );
    return out.Item ? toSchedule(out.Item) : undefined;
  }

  /** Starts the tick loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop();
  }

  /** Stops the loop and waits for a tick in progress. Stored schedules stay for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /**
   * Fires every schedule due by now; returns how many were put on the bus. Notes the earliest
   * schedule not yet due (the loop sleeps until then) and whether a put failed.
   */
  async tick(): Promise<number> {
    let fired = 0;
    this.failed = false;
    this.nextDueAt = undefined;
    // The index is eventually consistent: an item deleted a moment ago may still be listed.
    const seen = new Set<string>();
    let startKey: Record<string, AttributeValue> | undefined;
    const now = this.now().getTime();
    for (;;) {
      const page = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          IndexName: SCHEDULES_TABLE.globalSecondaryIndexes[0].indexName,
          KeyConditionExpression: '#b = :b',
          ExpressionAttributeNames: { '#b': SCHEDULE_ITEM.bucket },
          ExpressionAttributeValues: { ':b': { S: DUE_BUCKET } },
          Limit: this.batchSize,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const dueAt = Number(item[SCHEDULE_ITEM.dueAt]?.N);
        if (dueAt > now) {
          this.nextDueAt = dueAt;
          return fired;
        }
        const key = `${item[SCHEDULE_ITEM.name]?.S}@${item[SCHEDULE_ITEM.version]?.S}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (await this.fire(item)) fired += 1;
        else this.failed = true;
      }
      if (!page.LastEvaluatedKey) return fired;
      startKey = page.LastEvaluatedKey;
    }
  }

  private async fire(item: Record<string, AttributeValue>): Promise<boolean> {
    const due = toSchedule(item);
    const version = item[SCHEDULE_ITEM.version]?.S ?? '';
    try {
      await this.publish(due);
    } catch (err) {
      this.log('warn', 'schedule could not be put on the bus; it stays and fires at a later tick', { name: due.name, error: (err as Error).message });
      return false;
    }
    try {
      await this.options.client.send(
        new DeleteItemCommand({
          TableName: this.options.tableName,
          Key: { [SCHEDULE_ITEM.name]: { S: due.name } },
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': SCHEDULE_ITEM.version },
          ExpressionAttributeValues: { ':v': { S: version } },
        }),
      );
    } catch (err) {
      // Replaced (new version) or cancelled while it was firing: leave the newer state alone.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    this.log('info', 'schedule fired', { name: due.name, at: due.at.toISOString(), detailType: due.detailType });
    return true;
  }

  private async publish(due: DueSchedule): Promise<void> {
    const target = this.options.target;
    if ('publish' in target) return target.publish(due);
    const out = await target.eventBridge.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: target.eventBusName, Source: due.source, DetailType: due.detailType, Detail: JSON.stringify(due.detail), Time: this.now(), Resources: [] }],
      }),
    );
    if (out.FailedEntryCount) {
      const entry = out.Entries?.[0];
      throw new Error(`PutEvents refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
    }
  }
}

function toSchedule(item: Record<string, AttributeValue>): DueSchedule {
  const event = JSON.parse(item[SCHEDULE_ITEM.event]?.S ?? '{}') as ScheduledEvent;
  return {
    name: item[SCHEDULE_ITEM.name]!.S!,
    at: new Date(Number(item[SCHEDULE_ITEM.dueAt]!.N)),
    source: event.source,
    detailType: event.detailType,
    detail: event.detail ?? {},
  };
}
