/** The agent's telemetry publisher against kinesalite with the real Kinesis SDK (and injected faults). */
import { DeleteStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ensureStream } from '../../local/kinesis/kinesalite';
import { eventually, FaultyKinesis, sleep, startKinesisKit, type KinesisKit, type StoredRecord } from '../../local/kinesis/testing/kinesis-test-kit';
import type { FinalReport, SessionPayload, TelemetryRecord } from '../contracts';
import { MAX_PROGRESS_TEXT, publisherForSession, startTelemetryPublisher, TelemetryPublisher, type TelemetryLog, type TelemetryPublisherOptions } from './telemetry-publisher';

// A guard only: every wait below is for a condition, which a loaded machine may take long to reach.
jest.setTimeout(60_000);

let kit: KinesisKit;
beforeAll(async () => {
  kit = await startKinesisKit();
});
afterAll(async () => kit.dispose());

const open: TelemetryPublisher[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

const REPORT: FinalReport = { outcome: 'success', error: null, turns: 4, costUsd: 0.12, commits: 1, prUrl: 'https://forge.test/o/r/pull/3', prNumber: 3, buildPassed: true, lintPassed: null };

interface Logged {
  level: string;
  message: string;
  extra?: Record<string, unknown>;
}

function publisher(overrides: Partial<TelemetryPublisherOptions> & Pick<TelemetryPublisherOptions, 'streamName'>, logs: Logged[] = []): TelemetryPublisher {
  const log: TelemetryLog = (level, message, extra) => logs.push({ level, message, extra });
  const p = startTelemetryPublisher({
    client: kit.client,
    taskId: 'task-1',
    sessionId: 's-task-1-1',
    heartbeatSeconds: 0,
    flushIntervalMs: 20,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    closeTimeoutMs: 300,
    log,
    ...overrides,
  });
  open.push(p);
  return p;
}

const decode = (records: readonly StoredRecord[]): TelemetryRecord[] => records.map((r) => JSON.parse(r.data) as TelemetryRecord);
const ofTask = (records: readonly TelemetryRecord[], taskId: string) => records.filter((r) => r.taskId === taskId);

test('records of each task arrive in order on one shard (partition key = task id), seq 1, 2, 3, ...', async () => {
  const streamName = await kit.createStream(2);
  const a = publisher({ streamName, taskId: 'task-a', sessionId: 's-a' });
  const b = publisher({ streamName, taskId: 'task-b', sessionId: 's-b' });
  for (let turn = 1; turn <= 30; turn++) {
    a.progress({ kind: 'turn', turn, text: `a${turn}` });
    b.progress({ kind: 'tool_call', tool: 'Bash', summary: `b${turn}` });
    if (turn % 10 === 0) await sleep(25); // spread over several flushes
  }
  await Promise.all([a.finalReport(REPORT), b.finalReport({ ...REPORT, outcome: 'error', error: 'tests failed' })]);

  const stored = await kit.readAll(streamName);
  const records = decode(stored);
  for (const [taskId, p] of [['task-a', a], ['task-b', b]] as const) {
    const mine = stored.filter((r) => r.partitionKey === taskId);
    expect(new Set(mine.map((r) => r.shardId)).size).toBe(1);
    const seqs = ofTask(records, taskId).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => i + 1)); // heartbeat, 30 progress, final report: in order
    expect(ofTask(records, taskId)[0]!.type).toBe('heartbeat');
    expect(ofTask(records, taskId).at(-1)!.type).toBe('final_report');
    expect(p.stats()).toMatchObject({ delivered: 32, pending: 0, dropped: 0, lastSeq: 32 });
  }
  expect(ofTask(records, 'task-a')[1]).toMatchObject({ type: 'progress', sessionId: 's-a', event: { kind: 'turn', turn: 1, text: 'a1' } });
  expect(ofTask(records, 'task-b').at(-1)).toMatchObject({ type: 'final_report', report: { outcome: 'error', error: 'tests failed' } });
});

test('progress is batched: many records, few PutRecords calls', async () => {
  const streamName = await kit.createStream(1);
  const faulty = new FaultyKinesis(kit.client);
  const p = publisher({ streamName, client: faulty, flushIntervalMs: 200 });
  for (let i = 1; i <= 100; i++) p.progress({ kind: 'milestone', name: `m${i}` });
  expect(faulty.calls).toBe(0); // nothing sent synchronously
  await eventually(() => p.stats().delivered === 101, 30_000);
  expect(faulty.calls).toBeLessThanOrEqual(3);
  expect((await kit.readAll(streamName)).length).toBe(101);
});

test('heartbeats tick every heartbeatSeconds (one at start)', async () => {
  const streamName = await kit.createStream(1);
  const p = publisher({ streamName, heartbeatSeconds: 0.05 });
  await eventually(async () => decode(await kit.readAll(streamName)).filter((r) => r.type === 'heartbeat').length >= 4, 30_000);
  await p.close();
  const beats = decode(await kit.readAll(streamName)).filter((r) => r.type === 'heartbeat');
  const times = beats.map((r) => Date.parse(r.at));
  expect(times).toEqual([...times].sort((x, y) => x - y));
  expect(beats.map((r) => r.seq)).toEqual(beats.map((_, i) => i + 1));
  // After close: no more heartbeats.
  const count = beats.length;
  await sleep(150);
  expect(decode(await kit.readAll(streamName)).filter((r) => r.type === 'heartbeat')).toHaveLength(count);
});

test('the final report is delivered through failed calls and per-record failures; nothing is lost', async () => {
  const streamName = await kit.createStream(1);
  const faulty = new FaultyKinesis(kit.client, 3, 2);
  const logs: Logged[] = [];
  const p = publisher({ streamName, client: faulty }, logs);
  for (let turn = 1; turn <= 10; turn++) p.progress({ kind: 'turn', turn });
  await p.finalReport(REPORT);

  expect(faulty.thrown).toBe(3);
  expect(faulty.partialFailures).toBe(2);
  const records = decode(await kit.readAll(streamName));
  // Every record exactly once; retried records land after newer ones, so order by seq.
  expect(records.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  expect(records.filter((r) => r.type === 'final_report')).toHaveLength(1);
  expect(p.stats()).toMatchObject({ delivered: 12, failedAttempts: 5, pending: 0 });
  expect(logs.some((l) => l.message === 'telemetry records not delivered; retrying' && /FailedRecordCount/.test(String(l.extra?.error)))).toBe(true);
  expect(logs.some((l) => l.message === 'telemetry delivery recovered')).toBe(true);
});

test('the final report waits out a stream that is briefly missing', async () => {
  const streamName = kit.streamName('late');
  const logs: Logged[] = [];
  const p = publisher({ streamName }, logs);
  p.progress({ kind: 'milestone', name: 'cloned' });
  const delivered = p.finalReport(REPORT);
  let settled = false;
  void delivered.then(() => (settled = true));
  // Until the first attempt has failed (not a fixed 150 ms, which a loaded machine may not get to).
  await eventually(() => logs.some((l) => /ResourceNotFoundException/.test(String(l.extra?.error))), 30_000);
  expect(settled).toBe(false);

  await ensureStream(kit.client, streamName, 1);
  await delivered;
  expect(decode(await kit.readAll(streamName)).map((r) => r.type)).toEqual(['heartbeat', 'progress', 'final_report']);
});

test('a stream deleted mid-session: progress never throws, and the report arrives once it is back', async () => {
  const streamName = await kit.createStream(1);
  const p = publisher({ streamName });
  p.progress({ kind: 'turn', turn: 1 });
  await p.flush();
  await kit.client.send(new DeleteStreamCommand({ StreamName: streamName }));
  expect(() => {
    for (let turn = 2; turn <= 5; turn++) p.progress({ kind: 'turn', turn });
  }).not.toThrow();
  const delivered = p.finalReport(REPORT);
  await eventually(() => p.stats().failedAttempts > 0, 30_000); // the stream is missing for the publisher
  await ensureStream(kit.client, streamName, 1);
  await delivered;
  // The records before the deletion went with the old stream; everything after it arrives.
  expect(decode(await kit.readAll(streamName)).map((r) => r.seq)).toEqual([3, 4, 5, 6, 7]);
});

test('the final report rejects once finalReportTimeoutMs has passed without delivery', async () => {
  const p = publisher({ streamName: kit.streamName('never'), finalReportTimeoutMs: 150 });
  await expect(p.finalReport(REPORT)).rejects.toThrow(/could not be delivered to Kinesis stream never-[0-9a-f]+ within 150 ms/);
});

test('close flushes what is buffered; after close, progress is ignored (logged), not thrown', async () => {
  const streamName = await kit.createStream(1);
  const logs: Logged[] = [];
  const p = publisher({ streamName, flushIntervalMs: 60_000 }, logs);
  p.progress({ kind: 'milestone', name: 'pushed' });
  await p.close();
  expect(decode(await kit.readAll(streamName)).map((r) => r.type)).toEqual(['heartbeat', 'progress']);
  expect(() => p.progress({ kind: 'milestone', name: 'late' })).not.toThrow();
  expect(logs.some((l) => l.message === 'telemetry progress after close is ignored')).toBe(true);
});

test('close gives up after closeTimeoutMs when Kinesis stays away, without throwing', async () => {
  const logs: Logged[] = [];
  const p = publisher({ streamName: kit.streamName('gone'), closeTimeoutMs: 100 }, logs);
  p.progress({ kind: 'turn', turn: 1 });
  const started = Date.now();
  await expect(p.close()).resolves.toBeUndefined();
  expect(Date.now() - started).toBeLessThan(20_000); // gave up; retrying forever would hit jest's timeout
  expect(p.stats()).toMatchObject({ pending: 0, dropped: 2, delivered: 0 });
  expect(logs.find((l) => l.message === 'telemetry publisher closed with undelivered records')?.extra).toMatchObject({ dropped: 2 });
});

test('while Kinesis is away the buffer stays bounded: oldest progress dropped, the final report kept', async () => {
  const streamName = kit.streamName('bounded');
  const logs: Logged[] = [];
  const p = publisher({ streamName, maxBufferedRecords: 5 }, logs);
  for (let turn = 1; turn <= 20; turn++) p.progress({ kind: 'turn', turn });
  const delivered = p.finalReport(REPORT);
  await eventually(() => p.stats().failedAttempts > 0, 30_000); // Kinesis is away for the publisher
  await ensureStream(kit.client, streamName, 1);
  await delivered;
  await p.flush();
  const records = decode(await kit.readAll(streamName));
  expect(records.length).toBeLessThanOrEqual(6);
  expect(records.at(-1)!.type).toBe('final_report');
  expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((x, y) => x - y));
  expect(p.stats().dropped).toBeGreaterThanOrEqual(16);
  expect(logs.filter((l) => l.message === 'telemetry buffer full; oldest records dropped').length).toBeLessThanOrEqual(2);
});

test('long progress text is cut; the publisher never sends a record Kinesis would refuse', async () => {
  const streamName = await kit.createStream(1);
  const p = publisher({ streamName });
  p.progress({ kind: 'tool_call', tool: 'Bash', summary: 'x'.repeat(50_000) });
  await p.finalReport({ ...REPORT, outcome: 'error', error: 'e'.repeat(10_000) });
  const [, progress, final] = decode(await kit.readAll(streamName));
  expect(progress).toMatchObject({ type: 'progress', event: { kind: 'tool_call' } });
  expect((progress as Extract<TelemetryRecord, { type: 'progress' }>).event).toMatchObject({ summary: expect.stringMatching(/^x+…$/) });
  expect(((progress as Extract<TelemetryRecord, { type: 'progress' }>).event as { summary: string }).summary).toHaveLength(MAX_PROGRESS_TEXT);
  expect((final as Extract<TelemetryRecord, { type: 'final_report' }>).report.error).toHaveLength(4000);
});

test('more than 500 records go out in several PutRecords of at most 500', async () => {
  const streamName = await kit.createStream(1);
  const faulty = new FaultyKinesis(kit.client);
  const p = publisher({ streamName, client: faulty, flushIntervalMs: 60_000 });
  for (let i = 1; i <= 1200; i++) p.progress({ kind: 'milestone', name: `m${i}` });
  await p.flush();
  expect(Math.max(...faulty.sentBatches)).toBeLessThanOrEqual(500);
  expect(faulty.sentBatches.reduce((x, y) => x + y, 0)).toBe(1201);
  expect(decode(await kit.readAll(streamName)).map((r) => r.seq)).toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
});

test('publisherForSession takes the stream, task, session and heartbeat from the payload and reaches kinesalite by its endpoint', async () => {
  const streamName = await kit.createStream(1);
  const payload = {
    taskId: 'task-p',
    sessionId: 's-task-p-1',
    telemetry: { streamName, endpoint: kit.kinesis.endpoint, region: 'us-east-1' },
    heartbeatSeconds: 45,
  } as unknown as SessionPayload;
  const p = publisherForSession(payload, { flushIntervalMs: 20 });
  open.push(p);
  await p.finalReport(REPORT);
  const records = decode(await kit.readAll(streamName));
  expect(records.map((r) => [r.type, r.taskId, r.sessionId])).toEqual([
    ['heartbeat', 'task-p', 's-task-p-1'],
    ['final_report', 'task-p', 's-task-p-1'],
  ]);
});

test('a failing client never makes progress() or heartbeat() throw', async () => {
  const client = { send: async (_: PutRecordsCommand) => Promise.reject(new Error('boom')) };
  const p = publisher({ streamName: 'x-any', client, closeTimeoutMs: 50 });
  expect(() => {
    p.progress({ kind: 'error', message: 'm' });
    p.heartbeat();
  }).not.toThrow();
  await p.close();
});
