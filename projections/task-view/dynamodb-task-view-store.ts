/**
 * TaskViewStore on DynamoDB (table TASK_VIEW_TABLE): one item per task, the TaskView's fields as
 * plain attributes plus the index keys `createdKey` (`<createdAt>#<taskId>`), `userStatus`
 * (`<userId>#<status>`) and `updatedKey` (`<updatedAt>#<taskId>`), rewritten with every save.
 *
 * listByUser, newest first (createdKey descending):
 *   - no status filter: one query on `by-user`;
 *   - status filter: one query per distinct status on `by-user-status`, run in parallel, merged by
 *     createdKey. Each query reads at most limit + 1 matches, so a page costs at most
 *     (#statuses × (limit + 1)) items, and no item of another status is ever read — better than
 *     `by-user` + a status filter when the wanted statuses are a small part of a user's history
 *     (the usual case: active tasks among many finished ones);
 *   - repo filter: a FilterExpression on the same queries (pages read on until enough match).
 * listByStatus, oldest update first (updatedKey ascending) on `by-status`.
 *
 * Cursors (see ../cursor.ts): the sort key of the last item returned, scoped to the user (or the
 * status); the next page's key condition starts strictly after it. Lists read limit + 1 items, so
 * the last page has no cursor. Index reads are eventually consistent; `get` is strongly consistent.
 */
import type { TaskStatus } from '../../services/tasks/task/task-state';
import { checkLimit, decodeCursor, pageOf, type CursorScope } from '../cursor';
import { DynamoDbViewTable, sortableTime, type DynamoDbViewStoreOptions } from '../dynamodb-view-table';
import { TASK_VIEW_ITEM, TASK_VIEW_TABLE } from '../tables';
import type { Page, TaskView, TaskViewStore } from './task-view';

/** The indexes (read when used: a module-level constant would keep this module in bundles that never build the store). */
const byUser = () => TASK_VIEW_TABLE.globalSecondaryIndexes[0];
const byUserStatus = () => TASK_VIEW_TABLE.globalSecondaryIndexes[1];
const byStatus = () => TASK_VIEW_TABLE.globalSecondaryIndexes[2];

const createdKeyOf = (view: Pick<TaskView, 'createdAt' | 'taskId'>): string => `${sortableTime(view.createdAt)}#${view.taskId}`;
const updatedKeyOf = (view: Pick<TaskView, 'updatedAt' | 'taskId'>): string => `${sortableTime(view.updatedAt)}#${view.taskId}`;
const userStatusOf = (userId: string, status: TaskStatus): string => `${userId}#${status}`;

export type DynamoDbTaskViewStoreOptions = DynamoDbViewStoreOptions;

export class DynamoDbTaskViewStore extends DynamoDbViewTable<TaskView> implements TaskViewStore {
  constructor(options: DynamoDbTaskViewStoreOptions) {
    super(options, TASK_VIEW_TABLE.partitionKey.name);
  }

  get(taskId: string): Promise<TaskView | undefined> {
    return this.read(taskId);
  }

  async listByUser(
    userId: string,
    options: { statuses?: readonly TaskStatus[]; repo?: string; limit: number; cursor?: string },
  ): Promise<Page<TaskView>> {
    checkLimit(options.limit);
    const scope: CursorScope = { kind: 'user', key: userId };
    const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor, scope);
    const want = options.limit + 1;
    const partitions =
      options.statuses === undefined
        ? [{ index: byUser(), value: userId }]
        : [...new Set(options.statuses)].map((status) => ({ index: byUserStatus(), value: userStatusOf(userId, status) }));
    const lists = await Promise.all(
      partitions.map(({ index, value }) =>
        this.collect(
          {
            IndexName: index.indexName,
            KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
            ScanIndexForward: false,
            ExpressionAttributeNames: {
              '#pk': index.partitionKey.name,
              ...(before === undefined ? {} : { '#sk': index.sortKey.name }),
              ...(options.repo === undefined ? {} : { '#repo': 'repo' }),
            },
            ExpressionAttributeValues: {
              ':pk': { S: value },
              ...(before === undefined ? {} : { ':before': { S: before } }),
              ...(options.repo === undefined ? {} : { ':repo': { S: options.repo } }),
            },
            ...(options.repo === undefined ? {} : { FilterExpression: '#repo = :repo' }),
          },
          want,
        ),
      ),
    );
    const merged =
      lists.length === 1
        ? lists[0]!
        : lists
            .flat()
            .map((view) => ({ view, key: createdKeyOf(view) }))
            .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
            .slice(0, want)
            .map(({ view }) => view);
    return pageOf(merged, options.limit, scope, createdKeyOf);
  }

  async listByStatus(status: TaskStatus, options: { limit: number; cursor?: string }): Promise<Page<TaskView>> {
    checkLimit(options.limit);
    const scope: CursorScope = { kind: 'status', key: status };
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, scope);
    const views = await this.collect(
      {
        IndexName: byStatus().indexName,
        KeyConditionExpression: after === undefined ? '#pk = :pk' : '#pk = :pk AND #sk > :after',
        ScanIndexForward: true,
        ExpressionAttributeNames: { '#pk': byStatus().partitionKey.name, ...(after === undefined ? {} : { '#sk': byStatus().sortKey.name }) },
        ExpressionAttributeValues: { ':pk': { S: status }, ...(after === undefined ? {} : { ':after': { S: after } }) },
      },
      options.limit + 1,
    );
    return pageOf(views, options.limit, scope, updatedKeyOf);
  }

  protected toItem(view: TaskView): Record<string, unknown> {
    return {
      ...view,
      [TASK_VIEW_ITEM.createdKey]: createdKeyOf(view),
      [TASK_VIEW_ITEM.userStatus]: userStatusOf(view.userId, view.status),
      [TASK_VIEW_ITEM.updatedKey]: updatedKeyOf(view),
    };
  }

  protected fromItem(item: Record<string, unknown>): TaskView {
    const view: Record<string, unknown> = { ...item };
    for (const key of Object.values(TASK_VIEW_ITEM)) delete view[key];
    return view as unknown as TaskView;
  }

  protected idOf(view: TaskView): string {
    return view.taskId;
  }
}
