/** The progress stores on DynamoDB Local: merge writes conditioned on the revision, paging progress by seq. */
import { DescribeTableCommand, DescribeTimeToLiveCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ProgressEvent, TelemetryRecord } from '../../schemas/agent/contracts';
import { createIsolatedTables, type IsolatedTables } from '../../test/support/dynamo';
import { mergeTelemetry, type ProgressRecord } from './progress-view';
import { createProgressStores, type ProgressStores } from './stores';
import { PROGRESS_EVENTS_TABLE, PROGRESS_TABLES, PROGRESS_VIEW_TABLE } from './tables';

let db: IsolatedTables;
let stores: ProgressStores;
beforeAll(async () => {
  db = await createIsolatedTables(PROGRESS_TABLES, 'pv');
  stores = createProgressStores({ client: db.client, prefix: db.prefix, maxLines: 5 });
});
afterAll(async () => db.drop());

let n = 0;
const taskId = () => `task-${++n}-${Date.now().toString(36)}`;
const at = (seq: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
const progress = (task: string, seq: number, event: ProgressEvent = { kind: 'turn', turn: seq, text: `t${seq}` }): ProgressRecord => ({
  type: 'progress',
  taskId: task,
  sessionId: `s-${task}`,
  seq,
  at: at(seq),
  event,
});
const heartbeat = (task: string, seq: number): TelemetryRecord => ({ type: 'heartbeat', taskId: task, sessionId: `s-${task}`, seq, at: at(seq) });

test('the tables: keys as defined, TTL on the progress events', async () => {
  const view = await db.client.send(new DescribeTableCommand({ TableName: db.name(PROGRESS_VIEW_TABLE) }));
  expect(view.Table?.KeySchema).toEqual([{ AttributeName: 'taskId', KeyType: 'HASH' }]);
  const events = await db.client.send(new DescribeTableCommand({ TableName: db.name(PROGRESS_EVENTS_TABLE) }));
  expect(events.Table?.KeySchema).toEqual([
    { AttributeName: 'taskId', KeyType: 'HASH' },
    { AttributeName: 'seq', KeyType: 'RANGE' },
  ]);
  const ttl = await db.client.send(new DescribeTimeToLiveCommand({ TableName: db.name(PROGRESS_EVENTS_TABLE) }));
  expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
});

test('apply creates the view, merges later records, and writes nothing for duplicates', async () => {
  const t = taskId();
  expect(await stores.progressViews.get(t)).toBeUndefined();
  expect(await stores.heartbeats.lastHeartbeatAt(t)).toBeNull();

  expect(await stores.progressViews.apply(t, [heartbeat(t, 1), progress(t, 2)])).toBe('saved');
  expect(await stores.progressViews.apply(t, [progress(t, 3), progress(t, 4, { kind: 'cost_update', costUsd: 0.3, turns: 3 })])).toBe('saved');
  expect(await stores.progressViews.apply(t, [heartbeat(t, 1), progress(t, 3)])).toBe('unchanged');

  const view = await stores.progressViews.get(t);
  expect(view).toEqual({
    taskId: t,
    sessionId: `s-${t}`,
    lastSeq: 4,
    lines: [
      { seq: 2, at: at(2), kind: 'turn', text: 'Turn 2: t2' },
      { seq: 3, at: at(3), kind: 'turn', text: 'Turn 3: t3' },
    ],
    lastHeartbeatAt: at(1),
    lastSeenAt: at(4),
    turns: 3,
    costUsd: 0.3,
    revision: 2,
  });
  // The watchdog's reader: the last sign of life (progress counts, not only heartbeats).
  expect(await stores.heartbeats.lastHeartbeatAt(t)).toBe(at(4));
});

test('a late record does not regress the view; lines stay the latest 5 by seq', async () => {
  const t = taskId();
  await stores.progressViews.apply(t, [10, 11, 12, 13, 14, 15].map((s) => progress(t, s)));
  await stores.progressViews.apply(t, [progress(t, 2), heartbeat(t, 3)]);
  const view = (await stores.progressViews.get(t))!;
  expect(view.lines.map((l) => l.seq)).toEqual([11, 12, 13, 14, 15]);
  expect(view).toMatchObject({ lastSeq: 15, turns: 15, lastHeartbeatAt: at(3), lastSeenAt: at(15) });
});

test('concurrent writers of one task converge: no record is lost to a lost update', async () => {
  const t = taskId();
  const records = Array.from({ length: 24 }, (_, i) => (i % 4 === 0 ? heartbeat(t, i + 1) : progress(t, i + 1)));
  const groups = Array.from({ length: 8 }, (_, g) => records.filter((_, i) => i % 8 === g));
  await Promise.all(groups.map((g) => stores.progressViews.apply(t, g)));
  const expected = mergeTelemetry(null, t, records, 5)!;
  const view = (await stores.progressViews.get(t))!;
  expect({ ...view, revision: 0 }).toEqual(expected);
  expect(view.revision).toBeGreaterThanOrEqual(1);
});

test('progress events: appended once per seq (duplicates overwrite themselves), paged in seq order', async () => {
  const t = taskId();
  const records = Array.from({ length: 60 }, (_, i) => progress(t, i + 1));
  await stores.progressEvents.append([...records.slice(30), ...records.slice(0, 40), records[5]!]);
  await stores.progressEvents.append(records.slice(10, 20)); // redelivery

  const first = await stores.progressEvents.listProgress(t, { limit: 25 });
  expect(first.items.map((i) => i.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  expect(first.items[0]).toEqual({ taskId: t, sessionId: `s-${t}`, seq: 1, at: at(1), recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), event: { kind: 'turn', turn: 1, text: 't1' } });
  expect(first.nextAfter).toBe(25);
  const second = await stores.progressEvents.listProgress(t, { after: first.nextAfter, limit: 25 });
  expect(second.items.map((i) => i.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 26));
  const last = await stores.progressEvents.listProgress(t, { after: second.nextAfter, limit: 25 });
  expect(last.items.map((i) => i.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 51));
  expect(last.nextAfter).toBeUndefined();
  expect(await stores.progressEvents.listProgress(t, { after: 60, limit: 10 })).toEqual({ items: [] });
  expect(await stores.progressEvents.listProgress('no-such-task', { limit: 10 })).toEqual({ items: [] });

  // Expiry counts from the write (90 days by default), not from the record's time.
  const raw = await db.client.send(new GetItemCommand({ TableName: db.name(PROGRESS_EVENTS_TABLE), Key: { taskId: { S: t }, seq: { N: '1' } } }));
  expect(Math.abs(Number(raw.Item?.expiresAt?.N) - (Date.now() / 1000 + 90 * 86_400))).toBeLessThan(120);
});

test('listProgress refuses a bad limit or position', async () => {
  await expect(stores.progressEvents.listProgress('t', { limit: 0 })).rejects.toThrow(RangeError);
  await expect(stores.progressEvents.listProgress('t', { limit: 10, after: -1 })).rejects.toThrow(/after must be/);
});
