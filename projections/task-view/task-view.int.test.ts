/**
 * The task view against DynamoDB Local: real Task streams (the Task decider through the command
 * handler on DynamoDbEventStore), applied by the projector in order, twice, shuffled and
 * concurrently; the listings of the DynamoDB store (newest first, filters, pages, cursors); and
 * rebuilds (library and CLI) that reproduce the views from the event store.
 */
import { DeleteItemCommand, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { ulid } from 'ulid';
import { handleCommand } from '../../services/kernel/command-handler';
import type { HandlerContext } from '../../services/kernel/consumer';
import { DynamoDbEventStore } from '../../services/kernel/dynamodb-event-store';
import type { EventEnvelope, StreamRef } from '../../services/kernel/envelope';
import { EVENTS_TABLE } from '../../services/kernel/tables';
import type { TaskCommand } from '../../services/tasks/task/task-commands';
import { taskDecider } from '../../services/tasks/task/task-decider';
import { TASK_STATUSES, type TaskStatus } from '../../services/tasks/task/task-state';
import { createIsolatedTables, testEndpoint, type IsolatedTables } from '../../test/support/dynamo';
import { applyEvent } from '../apply';
import { InvalidCursorError } from '../cursor';
import { foldView } from '../projection';
import { rebuildProjection } from '../rebuild';
import { runRebuildCli } from '../rebuild.cli';
import { TASK_VIEW_TABLE, VIEW_TABLES } from '../tables';
import { happyPath, shuffled, submit } from '../testing/histories';
import { DynamoDbTaskViewStore } from './dynamodb-task-view-store';
import { createTaskViewProjector } from './service';
import type { TaskView } from './task-view';
import { taskViewProjection } from './task-view-projection';

let tables: IsolatedTables;
let store: DynamoDbEventStore;
let views: DynamoDbTaskViewStore;

const ctx: HandlerContext = { logger: new Logger({ serviceName: 'task-view-test', logLevel: 'SILENT' }), now: () => new Date() };
const taskStream = (id: string): StreamRef => ({ type: 'Task', id });
const BASE = Date.UTC(2025, 0, 1);

beforeAll(async () => {
  tables = await createIsolatedTables([EVENTS_TABLE, ...VIEW_TABLES], 'tv');
  store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE) });
  views = new DynamoDbTaskViewStore({ client: tables.client, tableName: tables.name(TASK_VIEW_TABLE) });
});
afterAll(() => tables?.drop());

/** The commands after SubmitTask that leave a task in `status`. */
function commandsTo(status: TaskStatus, taskId: string): TaskCommand[] {
  const [admit, hydrate, start, end, finalize] = happyPath(taskId);
  const cancel: TaskCommand = { type: 'RequestCancellation', requestedBy: 'user:test', reason: null };
  switch (status) {
    case 'SUBMITTED':
      return [];
    case 'QUEUED':
      return [{ type: 'QueueTask', position: 1 }];
    case 'HYDRATING':
      return [admit!];
    case 'RUNNING':
      return [admit!, hydrate!, start!];
    case 'FINALIZING':
      return [admit!, hydrate!, start!, end!];
    case 'COMPLETED':
      return [admit!, hydrate!, start!, end!, finalize!];
    case 'FAILED':
      return [admit!, { type: 'FailHydration', category: 'github', reason: 'issue not found', retryable: false }];
    case 'CANCELLED':
      return [cancel];
    case 'TIMED_OUT':
      return [admit!, hydrate!, start!, { type: 'TimeOut', deadlineAt: '2025-01-01T08:00:00.000Z' }];
  }
}

/** Runs a task through the Task decider and the command handler; returns its stored events. */
async function runTask(taskId: string, userId: string, status: TaskStatus, options: { repo?: string; minute: number }): Promise<EventEnvelope[]> {
  const stream = taskStream(taskId);
  const commands: TaskCommand[] = [submit(taskId, userId, { repo: options.repo ?? 'octo/widgets' }), ...commandsTo(status, taskId)];
  for (const [i, command] of commands.entries()) {
    const now = new Date(BASE + options.minute * 60_000 + i * 1000);
    const c = command.type === 'SubmitTask' ? { ...command, now: now.toISOString() } : command;
    await handleCommand(store, taskDecider, stream, c, { correlationId: taskId, causationId: `test:${ulid()}`, actor: 'system', now });
  }
  return store.readStream(stream);
}

const foldOf = (taskId: string, events: readonly EventEnvelope[]) => foldView(taskViewProjection, taskId, events).view;

async function deleteView(taskId: string): Promise<void> {
  await tables.client.send(new DeleteItemCommand({ TableName: tables.name(TASK_VIEW_TABLE), Key: { taskId: { S: taskId } } }));
}

describe('apply', () => {
  test('in order: the stored view equals the pure fold of the stream; items are plain attributes', async () => {
    const events = await runTask('apply-1', 'apply-user', 'COMPLETED', { minute: 1 });
    expect(events.map((e) => e.type)).toEqual(['TaskSubmitted', 'TaskAdmitted', 'ContextHydrated', 'SessionStarted', 'SessionEnded', 'TaskCompleted']);
    for (const e of events) expect(await applyEvent(taskViewProjection, views, store, e)).toMatchObject({ status: 'applied', eventsFolded: 1 });
    const view = await views.get('apply-1');
    expect(view).toEqual(foldOf('apply-1', events));
    expect(view).toMatchObject({ status: 'COMPLETED', prNumber: 7, costUsd: 1.25, lastSequence: 6, errorCode: null });

    const { Item } = await tables.client.send(new GetItemCommand({ TableName: tables.name(TASK_VIEW_TABLE), Key: { taskId: { S: 'apply-1' } } }));
    expect(Item).toMatchObject({
      taskId: { S: 'apply-1' },
      status: { S: 'COMPLETED' },
      lastSequence: { N: '6' },
      errorCode: { NULL: true },
      cancelRequested: { BOOL: false },
      userStatus: { S: 'apply-user#COMPLETED' },
      createdKey: { S: `${view!.createdAt}#apply-1` },
      updatedKey: { S: `${view!.updatedAt}#apply-1` },
    });
  });

  test.each([1, 2, 3, 4, 5])('every event twice, shuffled (seed %i): the same view, gaps healed from the store', async (seed) => {
    const taskId = `shuffle-${seed}`;
    const events = await runTask(taskId, 'apply-user', seed % 2 ? 'COMPLETED' : 'TIMED_OUT', { minute: 10 + seed });
    const deliveries = shuffled([...events, ...events], seed);
    const outcomes = [];
    for (const e of deliveries) outcomes.push(await applyEvent(taskViewProjection, views, store, e));
    expect(await views.get(taskId)).toEqual(foldOf(taskId, events));
    expect(outcomes.filter((o) => o.status === 'duplicate').length).toBeGreaterThanOrEqual(events.length);
  });

  test('concurrent deliveries of a whole stream: conditional writes and retries converge on the fold', async () => {
    const events = await runTask('concurrent-1', 'apply-user', 'COMPLETED', { minute: 20 });
    const outcomes = await Promise.all([...events, ...events].map((e) => applyEvent(taskViewProjection, views, store, e, { maxAttempts: 20 })));
    expect(outcomes.every((o) => o.status === 'applied' || o.status === 'duplicate')).toBe(true);
    expect(await views.get('concurrent-1')).toEqual(foldOf('concurrent-1', events));
  });

  test('the projector service applies what it is given and ignores other streams', async () => {
    const events = await runTask('service-1', 'apply-user', 'RUNNING', { minute: 30 });
    const projector = createTaskViewProjector({ store }, views);
    for (const e of shuffled(events, 7)) await projector.onEvent!(e, ctx);
    expect(await views.get('service-1')).toEqual(foldOf('service-1', events));
    // Through the taskViews port, as the catalog creates it.
    const viaPorts = createTaskViewProjector({ store, taskViews: views });
    await viaPorts.onEvent!({ ...events[0]!, stream: { type: 'User', id: 'service-1' } } as EventEnvelope, ctx);
    expect((await views.get('service-1'))?.lastSequence).toBe(events.length);
  });
});

describe('listings', () => {
  // User A: one task per status (minute = position, so creation order is the order below), two repos.
  const A = 'list-user-a';
  const B = 'list-user-b';
  const aTasks = TASK_STATUSES.map((status, i) => ({ taskId: `a-${i}-${status.toLowerCase()}`, status, repo: i % 3 === 0 ? 'octo/other' : 'octo/widgets', minute: 100 + i }));
  const extraRunning = { taskId: 'a-9-running', status: 'RUNNING' as const, repo: 'octo/widgets', minute: 120 };
  const bTasks = [
    { taskId: 'b-0-running', status: 'RUNNING' as const, repo: 'octo/widgets', minute: 99 },
    { taskId: 'b-1-completed', status: 'COMPLETED' as const, repo: 'octo/widgets', minute: 130 },
  ];
  const all = [...aTasks.map((t) => ({ ...t, userId: A })), { ...extraRunning, userId: A }, ...bTasks.map((t) => ({ ...t, userId: B }))];
  const newestFirst = (ts: ReadonlyArray<{ taskId: string; minute: number }>) => [...ts].sort((x, y) => y.minute - x.minute).map((t) => t.taskId);
  const aAll = [...aTasks, extraRunning];

  beforeAll(async () => {
    const projector = createTaskViewProjector({ store }, views);
    await Promise.all(
      all.map(async (t) => {
        const events = await runTask(t.taskId, t.userId, t.status, { repo: t.repo, minute: t.minute });
        for (const e of shuffled(events, t.minute)) await projector.onEvent!(e, ctx);
      }),
    );
  });

  async function everyPage(list: (cursor?: string) => Promise<{ items: readonly TaskView[]; nextCursor?: string }>): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      pages.push(page.items.map((v) => v.taskId));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 50);
    return pages;
  }

  test("a user's tasks, newest first; only theirs", async () => {
    const page = await views.listByUser(A, { limit: 100 });
    expect(page.items.map((v) => v.taskId)).toEqual(newestFirst(aAll));
    expect(page.nextCursor).toBeUndefined();
    expect((await views.listByUser(B, { limit: 100 })).items.map((v) => v.taskId)).toEqual(['b-1-completed', 'b-0-running']);
    expect((await views.listByUser('nobody', { limit: 10 })).items).toEqual([]);
  });

  test('status filter: one status, several statuses merged newest first, none', async () => {
    expect((await views.listByUser(A, { statuses: ['RUNNING'], limit: 10 })).items.map((v) => v.taskId)).toEqual(['a-9-running', 'a-3-running']);
    const several = await views.listByUser(A, { statuses: ['RUNNING', 'QUEUED', 'COMPLETED', 'RUNNING'], limit: 10 });
    expect(several.items.map((v) => v.taskId)).toEqual(['a-9-running', 'a-5-completed', 'a-3-running', 'a-1-queued']);
    expect((await views.listByUser(A, { statuses: [], limit: 10 })).items).toEqual([]);
  });

  test('repo filter, alone and with statuses', async () => {
    const other = aAll.filter((t) => t.repo === 'octo/other');
    expect((await views.listByUser(A, { repo: 'octo/other', limit: 10 })).items.map((v) => v.taskId)).toEqual(newestFirst(other));
    expect((await views.listByUser(A, { repo: 'octo/other', statuses: ['RUNNING', 'FAILED', 'CANCELLED', 'SUBMITTED'], limit: 10 })).items.map((v) => v.taskId)).toEqual([
      'a-6-failed',
      'a-3-running',
      'a-0-submitted',
    ]);
    expect((await views.listByUser(A, { repo: 'no/such', limit: 10 })).items).toEqual([]);
  });

  test.each([1, 2, 3, 4])('pages of %i: together the whole list, in order, no cursor on the last page', async (limit) => {
    const pages = await everyPage((cursor) => views.listByUser(A, { limit, ...(cursor ? { cursor } : {}) }));
    expect(pages.flat()).toEqual(newestFirst(aAll));
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true);
    expect(pages.at(-1)!.length).toBeGreaterThan(0);

    const statuses: TaskStatus[] = ['RUNNING', 'COMPLETED', 'FAILED', 'SUBMITTED', 'QUEUED'];
    const filtered = await everyPage((cursor) => views.listByUser(A, { statuses, repo: 'octo/widgets', limit, ...(cursor ? { cursor } : {}) }));
    const expected = newestFirst(aAll.filter((t) => statuses.includes(t.status) && t.repo === 'octo/widgets'));
    expect(expected).toEqual(['a-9-running', 'a-5-completed', 'a-1-queued']);
    expect(filtered.flat()).toEqual(expected);
  });

  test("a cursor from user A is refused for user B (nothing of A's is returned)", async () => {
    const first = await views.listByUser(A, { limit: 2 });
    expect(first.nextCursor).toBeDefined();
    await expect(views.listByUser(B, { limit: 10, cursor: first.nextCursor! })).rejects.toThrow(InvalidCursorError);
    await expect(views.listByStatus('RUNNING', { limit: 10, cursor: first.nextCursor! })).rejects.toThrow(InvalidCursorError);
    await expect(views.listByUser(A, { limit: 10, cursor: 'garbage!' })).rejects.toThrow(InvalidCursorError);
    // A's own cursor with other filters is only a position: still A's tasks.
    const next = await views.listByUser(A, { limit: 10, statuses: ['RUNNING'], cursor: first.nextCursor! });
    expect(next.items.every((v) => v.userId === A)).toBe(true);
  });

  test('listByStatus: every user, oldest update first, in pages', async () => {
    const running = [...all.filter((t) => t.status === 'RUNNING')].sort((x, y) => x.minute - y.minute).map((t) => t.taskId);
    const ours = (ids: string[]) => ids.filter((id) => running.includes(id));
    const pages = await everyPage((cursor) => views.listByStatus('RUNNING', { limit: 1, ...(cursor ? { cursor } : {}) }));
    expect(ours(pages.flat())).toEqual(running);
    const whole = await views.listByStatus('RUNNING', { limit: 100 });
    expect(ours(whole.items.map((v) => v.taskId))).toEqual(running);
    const updated = whole.items.map((v) => v.updatedAt);
    expect([...updated].sort()).toEqual(updated);
  });

  test('rebuild after deleting items reproduces identical views (library and CLI)', async () => {
    const before = new Map<string, TaskView | undefined>();
    for (const t of all) before.set(t.taskId, await views.get(t.taskId));
    for (const t of all.slice(0, 5)) await deleteView(t.taskId);
    // A damaged view at the same position is overwritten too.
    const damaged = before.get(all[6]!.taskId)!;
    await views.replace(damaged.taskId, { ...damaged, repo: 'damaged/view' });

    const report = await rebuildProjection({ projection: taskViewProjection, events: store, views });
    expect(report.failed).toEqual([]);
    expect(report.written).toBe(report.streams);
    for (const t of all) expect(await views.get(t.taskId)).toEqual(before.get(t.taskId));

    // The CLI on the same tables: empty the table, rebuild, compare.
    const { Items = [] } = await tables.client.send(new ScanCommand({ TableName: tables.name(TASK_VIEW_TABLE), ProjectionExpression: 'taskId' }));
    await Promise.all(Items.map((item) => deleteView(item.taskId!.S!)));
    const lines: string[] = [];
    const code = await runRebuildCli(['--endpoint', testEndpoint(), '--prefix', tables.prefix, '--view', 'task-view', '--progress-every', '5'], {
      log: (l) => lines.push(l),
      error: (l) => lines.push(`ERR ${l}`),
    });
    expect(code).toBe(0);
    expect(lines.some((l) => /task-view: 5 streams/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/task-view: done — \d+ streams, \d+ written, 0 left to live updates, 0 without a view, 0 failed/);
    for (const t of all) expect(await views.get(t.taskId)).toEqual(before.get(t.taskId));
    expect((await views.listByUser(A, { limit: 100 })).items.map((v) => v.taskId)).toEqual(newestFirst(aAll));
  });
});

test('the CLI explains bad options', async () => {
  const lines: string[] = [];
  const io = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
  expect(await runRebuildCli(['--view', 'nope'], io)).toBe(2);
  expect(lines.pop()).toMatch(/unknown view "nope"/);
  expect(await runRebuildCli(['--progress-every', '0'], io)).toBe(2);
  expect(lines.pop()).toMatch(/--progress-every must be/);
  expect(await runRebuildCli(['--help'], io)).toBe(0);
  expect(lines.pop()).toMatch(/^Usage: npm run rebuild:views/);
});
