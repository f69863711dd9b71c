/**
 * The part every DynamoDB view store shares: one item per stream, keyed by the stream id, written
 * as plain attributes (marshalled, nulls kept as NULL, undefined dropped), with `lastSequence` the
 * position in the stream it reflects.
 *
 *   load     strongly consistent GetItem → { view, lastSequence }
 *   save     PutItem conditioned on the stored lastSequence (attribute_not_exists for a new item):
 *            apply's optimistic write
 *   replace  PutItem conditioned on stored lastSequence ≤ the new one: rebuild's write
 *
 * Subclasses give the item ↔ view mapping (index key attributes derived from the view) and the
 * listing queries (`collect` runs one of them).
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ProjectedView, ProjectionStore, RebuildTarget, SaveResult, ViewState } from './projection';

export interface DynamoDbViewStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const LAST_SEQUENCE = 'lastSequence';

interface Condition {
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, AttributeValue>;
}

export abstract class DynamoDbViewTable<V extends ProjectedView> implements ProjectionStore<V>, RebuildTarget<V> {
  protected readonly client: DynamoDBClient;
  readonly tableName: string;

  protected constructor(
    options: DynamoDbViewStoreOptions,
    /** The table's partition key attribute (the stream id). */
    private readonly keyName: string,
  ) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  /** The item's attributes: the view's fields plus the index keys derived from them. */
  protected abstract toItem(view: V): Record<string, unknown>;
  /** The view from an item's attributes (index keys dropped). */
  protected abstract fromItem(item: Record<string, unknown>): V;
  /** The stream id a view belongs to (its item key). */
  protected abstract idOf(view: V): string;

  async load(id: string): Promise<ViewState<V>> {
    const view = await this.read(id);
    return view === undefined ? { view: null, lastSequence: 0 } : { view, lastSequence: view.lastSequence };
  }

  async save(id: string, view: V, expectedLastSequence: number): Promise<SaveResult> {
    this.checkId(id, view);
    if (!(Number.isInteger(expectedLastSequence) && expectedLastSequence >= 0 && view.lastSequence > expectedLastSequence)) {
      throw new Error(`save ${id}: the view's lastSequence (${view.lastSequence}) must be above the expected ${expectedLastSequence}`);
    }
    const condition: Condition =
      expectedLastSequence === 0
        ? { ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': this.keyName } }
        : {
            ConditionExpression: '#ls = :expected',
            ExpressionAttributeNames: { '#ls': LAST_SEQUENCE },
            ExpressionAttributeValues: { ':expected': { N: String(expectedLastSequence) } },
          };
    return (await this.put(view, condition)) ? 'saved' : 'conflict';
  }

  async replace(id: string, view: V): Promise<'saved' | 'stale'> {
    this.checkId(id, view);
    const written = await this.put(view, {
      ConditionExpression: 'attribute_not_exists(#k) OR #ls <= :seq',
      ExpressionAttributeNames: { '#k': this.keyName, '#ls': LAST_SEQUENCE },
      ExpressionAttributeValues: { ':seq': { N: String(view.lastSequence) } },
    });
    return written ? 'saved' : 'stale';
  }

  /** The stored view (strongly consistent), or undefined. */
  protected async read(id: string): Promise<V | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { [this.keyName]: { S: id } }, ConsistentRead: true }),
    );
    return out.Item ? this.fromItem(unmarshall(out.Item)) : undefined;
  }

  /**
   * Runs a query page after page until `want` items passed its filter (or the index is exhausted);
   * returns at most `want` views in index order. With a filter, pages read more than `want` items,
   * since the filter applies after DynamoDB's Limit.
   */
  protected async collect(input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>, want: number): Promise<V[]> {
    const filtered = input.FilterExpression !== undefined;
    const query: QueryCommandInput = { ...input, TableName: this.tableName };
    const views: V[] = [];
    do {
      query.Limit = filtered ? Math.max(100, want - views.length) : want - views.length;
      const page = await this.client.send(new QueryCommand(query));
      for (const item of page.Items ?? []) {
        if (views.length >= want) break;
        views.push(this.fromItem(unmarshall(item)));
      }
      query.ExclusiveStartKey = page.LastEvaluatedKey;
    } while (query.ExclusiveStartKey && views.length < want);
    return views;
  }

  private async put(view: V, condition: Condition): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(this.toItem(view), { removeUndefinedValues: true, convertEmptyValues: false }),
          ...condition,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private checkId(id: string, view: V): void {
    if (this.idOf(view) !== id) throw new Error(`view of ${this.idOf(view)} cannot be written as ${id}`);
  }
}

/** An ISO time as the sort keys hold it: normalised to toISOString() so that keys sort by time. */
export function sortableTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}
