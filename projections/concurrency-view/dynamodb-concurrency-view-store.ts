/**
 * ConcurrencyViewStore on DynamoDB (table CONCURRENCY_VIEW_TABLE): one item per user with the
 * active task ids and the queue as lists, and `hasQueue` = 'Y' only while the queue is not empty,
 * which keeps the `with-queue` index down to the users the watchdog has to look at.
 * listWithQueue pages by userId (ascending); the cursor is the last userId returned.
 */
import { checkLimit, decodeCursor, pageOf, type CursorScope } from '../cursor';
import { DynamoDbViewTable, type DynamoDbViewStoreOptions } from '../dynamodb-view-table';
import { CONCURRENCY_VIEW_ITEM, CONCURRENCY_VIEW_TABLE } from '../tables';
import type { ConcurrencyView, ConcurrencyViewStore } from './concurrency-view';

/** The `with-queue` index (read when used: a module-level constant would keep this module in bundles that never build the store). */
const withQueue = () => CONCURRENCY_VIEW_TABLE.globalSecondaryIndexes[0];
const SCOPE: CursorScope = { kind: 'with-queue', key: '' };

export type DynamoDbConcurrencyViewStoreOptions = DynamoDbViewStoreOptions;

export class DynamoDbConcurrencyViewStore extends DynamoDbViewTable<ConcurrencyView> implements ConcurrencyViewStore {
  constructor(options: DynamoDbConcurrencyViewStoreOptions) {
    super(options, CONCURRENCY_VIEW_TABLE.partitionKey.name);
  }

  get(userId: string): Promise<ConcurrencyView | undefined> {
    return this.read(userId);
  }

  async listWithQueue(options: { limit: number; cursor?: string }): Promise<{ items: readonly ConcurrencyView[]; nextCursor?: string }> {
    checkLimit(options.limit);
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, SCOPE);
    const views = await this.collect(
      {
        IndexName: withQueue().indexName,
        KeyConditionExpression: after === undefined ? '#pk = :pk' : '#pk = :pk AND #sk > :after',
        ScanIndexForward: true,
        ExpressionAttributeNames: { '#pk': withQueue().partitionKey.name, ...(after === undefined ? {} : { '#sk': withQueue().sortKey.name }) },
        ExpressionAttributeValues: { ':pk': { S: CONCURRENCY_VIEW_ITEM.yes }, ...(after === undefined ? {} : { ':after': { S: after } }) },
      },
      options.limit + 1,
    );
    return pageOf(views, options.limit, SCOPE, (view) => view.userId);
  }

  protected toItem(view: ConcurrencyView): Record<string, unknown> {
    return {
      userId: view.userId,
      active: [...view.active],
      queued: view.queued.map((q) => ({ taskId: q.taskId, enqueuedAt: q.enqueuedAt })),
      lastSequence: view.lastSequence,
      [CONCURRENCY_VIEW_ITEM.hasQueue]: view.queued.length > 0 ? CONCURRENCY_VIEW_ITEM.yes : undefined,
    };
  }

  protected fromItem(item: Record<string, unknown>): ConcurrencyView {
    return {
      userId: item.userId as string,
      active: (item.active as string[] | undefined) ?? [],
      queued: (item.queued as ConcurrencyView['queued'] | undefined) ?? [],
      lastSequence: item.lastSequence as number,
    };
  }

  protected idOf(view: ConcurrencyView): string {
    return view.userId;
  }
}
