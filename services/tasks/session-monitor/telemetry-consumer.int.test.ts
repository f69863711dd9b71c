/**
 * The session monitor's telemetry consumer against DynamoDB Local (event store, progress tables,
 * checkpoints): Lambda-shaped Kinesis batches → progress view, progress events, SessionEnded. And
 * the whole path on one machine: agent publisher → kinesalite → local Kinesis poller → consumer.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { ulid } from 'ulid';
import type { FinalReport, ProgressEvent, TelemetryRecord } from '../../../schemas/agent/contracts';
import { startTelemetryPublisher } from '../../../agent/telemetry/telemetry-publisher';
import { startKinesisPoller } from '../../../local/kinesis/kinesis-poller';
import { FaultyKinesis, startKinesisKit, type KinesisKit } from '../../../local/kinesis/testing/kinesis-test-kit';
import { DynamoDbCheckpointStore } from '../../../local/streams/checkpoints';
import { mergeTelemetry } from '../../../projections/progress-view/progress-view';
import { createProgressStores, type ProgressStores } from '../../../projections/progress-view/stores';
import { PROGRESS_TABLES } from '../../../projections/progress-view/tables';
import { createIsolatedTables, type IsolatedTables } from '../../../test/support/dynamo';
import type { Ports } from '../../ports/ports';
import { portsFor } from '../../ports/registry';
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import { fold } from '../../kernel/decider';
import { DynamoDbEventStore } from '../../kernel/dynamodb-event-store';
import { CHECKPOINTS_TABLE, EVENTS_TABLE } from '../../kernel/tables';
import { withDefaults } from '../../repos/repo/repo-config';
import type { TaskCommand } from '../task/task-commands';
import { taskDecider } from '../task/task-decider';
import { createTelemetryConsumer, SESSION_MONITOR_PORTS, type TelemetryBatchHandler } from './telemetry-consumer';

let db: IsolatedTables;
let store: DynamoDbEventStore;
let progress: ProgressStores;
let deps: Pick<Ports, (typeof SESSION_MONITOR_PORTS)[number] | 'heartbeats'>;
let consume: TelemetryBatchHandler;
const logs: Array<{ level: string; message: string; extra?: unknown }> = [];
const capture =
  (level: string) =>
  (message: unknown, ...extra: unknown[]): void =>
    void logs.push({ level, message: String(message), extra: extra[0] });
const logger = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };

beforeAll(async () => {
  db = await createIsolatedTables([EVENTS_TABLE, CHECKPOINTS_TABLE, ...PROGRESS_TABLES], 'tm');
  store = new DynamoDbEventStore({ client: db.client, tableName: db.name(EVENTS_TABLE) });
  progress = createProgressStores({ client: db.client, prefix: db.prefix });
  // The session monitor's ports and the watchdog's heartbeats, through a registry of the test's stores.
  deps = portsFor([...SESSION_MONITOR_PORTS, 'heartbeats'], {
    store: () => store,
    now: () => () => new Date(),
    progressViews: () => progress.progressViews,
    progressEvents: () => progress.progressEvents,
    heartbeats: () => progress.heartbeats,
  });
  consume = createTelemetryConsumer(deps, { logger });
});
afterAll(async () => db.drop());
beforeEach(() => {
  logs.length = 0;
});

const sessionOf = (taskId: string) => `s-${taskId}-1`;

async function command(taskId: string, cmd: TaskCommand): Promise<void> {
  const context: CommandContext = { correlationId: taskId, causationId: `test:${cmd.type}`, actor: 'system', now: new Date() };
  await handleCommand(store, taskDecider, { type: 'Task', id: taskId }, cmd, context);
}

/** A task that is HYDRATING with its context hydrated (one StartSession away from RUNNING). */
async function hydratedTask(): Promise<string> {
  const taskId = ulid();
  await command(taskId, {
    type: 'SubmitTask',
    taskId,
    userId: 'user-1',
    repo: 'octo/widgets',
    taskDescription: 'Fix the flaky login test',
    issueNumber: null,
    channelSource: 'api',
    idempotencyKey: null,
    repoConfig: withDefaults(),
    now: new Date().toISOString(),
  });
  await command(taskId, { type: 'AdmitTask', fromQueue: false });
  await command(taskId, {
    type: 'RecordHydration',
    promptVersion: '0123456789ab',
    promptRef: `prompts/${taskId}.json`,
    estimatedTokens: 1200,
    sources: { issue: false, comments: 0, memoryItems: 0 },
    trimmedComments: 0,
  });
  return taskId;
}

async function startSession(taskId: string): Promise<void> {
  await command(taskId, { type: 'StartSession', sessionId: sessionOf(taskId), computeType: 'local', deadlineAt: new Date(Date.now() + 3_600_000).toISOString() });
}

async function runningTask(): Promise<string> {
  const taskId = await hydratedTask();
  await startSession(taskId);
  return taskId;
}

const types = async (taskId: string) => (await store.readStream({ type: 'Task', id: taskId })).map((e) => e.type);

const REPORT: FinalReport = { outcome: 'success', error: null, turns: 6, costUsd: 0.42, commits: 2, prUrl: 'https://forge.test/octo/widgets/pull/4', prNumber: 4, buildPassed: true, lintPassed: null };

/** A session's telemetry as the agent would send it (seq 1..n, final report last). */
function sessionRecords(taskId: string, turns = 6): TelemetryRecord[] {
  const sessionId = sessionOf(taskId);
  const at = (seq: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  const out: TelemetryRecord[] = [{ type: 'heartbeat', taskId, sessionId, seq: 1, at: at(1) }];
  const push = (event: ProgressEvent) => out.push({ type: 'progress', taskId, sessionId, seq: out.length + 1, at: at(out.length + 1), event });
  for (let turn = 1; turn <= turns; turn++) {
    push({ kind: 'turn', turn, text: `turn ${turn}` });
    push({ kind: 'tool_call', tool: 'Bash', summary: `npm test (${turn})` });
    push({ kind: 'cost_update', costUsd: turn * 0.07, turns: turn });
    if (turn % 2 === 0) out.push({ type: 'heartbeat', taskId, sessionId, seq: out.length + 1, at: at(out.length + 1) });
  }
  out.push({ type: 'final_report', taskId, sessionId, seq: out.length + 1, at: at(out.length + 1), report: REPORT });
  return out;
}

let kinesisSeq = 10n ** 20n;
/** A Lambda-shaped Kinesis event for the records (raw strings are sent as they are). */
function kinesisEvent(records: ReadonlyArray<TelemetryRecord | string>): KinesisStreamEvent {
  return {
    Records: records.map((r): KinesisStreamRecord => {
      const sequenceNumber = String(++kinesisSeq);
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: typeof r === 'string' ? 'junk' : r.taskId,
          sequenceNumber,
          data: Buffer.from(typeof r === 'string' ? r : JSON.stringify(r)).toString('base64'),
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/test',
      };
    }),
  };
}

test('a session: progress and heartbeats → progress view and events; the final report → SessionEnded (FINALIZING)', async () => {
  const taskId = await runningTask();
  const records = sessionRecords(taskId);
  expect(await consume(kinesisEvent(records.slice(0, 10)))).toEqual({ batchItemFailures: [] });
  expect(await consume(kinesisEvent(records.slice(10)))).toEqual({ batchItemFailures: [] });

  const view = (await progress.progressViews.get(taskId))!;
  expect(view).toMatchObject({ taskId, sessionId: sessionOf(taskId), lastSeq: records.length, turns: 6 });
  expect(view.costUsd).toBeCloseTo(0.42);
  expect(view.lines.at(-1)).toMatchObject({ kind: 'tool_call', text: 'Bash: npm test (6)' });
  expect(view.lastHeartbeatAt).toBe(records.filter((r) => r.type === 'heartbeat').at(-1)!.at);

  const page = await progress.progressEvents.listProgress(taskId, { limit: 100 });
  expect(page.items.map((i) => i.seq)).toEqual(records.filter((r) => r.type === 'progress').map((r) => r.seq));

  const events = await store.readStream({ type: 'Task', id: taskId });
  const ended = events.filter((e) => e.type === 'SessionEnded');
  expect(ended).toHaveLength(1);
  expect(ended[0]!.data).toEqual({ sessionId: sessionOf(taskId), ...REPORT });
  expect(ended[0]!.metadata.actor).toBe('service:session-monitor');
  expect(ended[0]!.causationId).toMatch(/^kinesis:\d+$/);
  expect(fold(taskDecider, events as never).status).toBe('FINALIZING');
});

test('duplicates and shuffled order: the same view, the same progress events, SessionEnded once', async () => {
  const taskId = await runningTask();
  const records = sessionRecords(taskId, 8);
  const expected = mergeTelemetry(null, taskId, records)!;
  await fc.assert(
    fc.asyncProperty(
      fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
      fc.array(fc.nat(records.length - 1), { maxLength: 15 }),
      fc.integer({ min: 1, max: 9 }),
      async (shuffled, dupes, batchSize) => {
        const delivery = [...shuffled, ...dupes.map((i) => records[i]!)];
        for (let i = 0; i < delivery.length; i += batchSize) {
          expect(await consume(kinesisEvent(delivery.slice(i, i + batchSize)))).toEqual({ batchItemFailures: [] });
        }
      },
    ),
    { numRuns: 5 },
  );
  const view = (await progress.progressViews.get(taskId))!;
  expect({ ...view, revision: 0 }).toEqual(expected);
  const page = await progress.progressEvents.listProgress(taskId, { limit: 100 });
  expect(page.items.map((i) => i.seq)).toEqual(records.filter((r) => r.type === 'progress').map((r) => r.seq));
  expect((await types(taskId)).filter((t) => t === 'SessionEnded')).toHaveLength(1);
});

test('a report ahead of SessionStarted fails its record (retried from there); the redelivery records it', async () => {
  const early = await hydratedTask();
  const other = await runningTask();
  const earlyRecords = sessionRecords(early, 1);
  const otherRecords = sessionRecords(other, 1);
  const batch = kinesisEvent([...otherRecords.slice(0, 2), earlyRecords.at(-1)!, ...otherRecords.slice(2)]);
  const response = await consume(batch);
  expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[2]!.kinesis.sequenceNumber }]);
  // The other task's records in the same batch were processed (idempotent when they come again).
  expect((await types(other)).filter((t) => t === 'SessionEnded')).toHaveLength(1);
  expect(await types(early)).not.toContain('SessionEnded');

  await startSession(early);
  const retried = kinesisEvent([earlyRecords.at(-1)!, ...otherRecords.slice(2)]);
  expect(await consume(retried)).toEqual({ batchItemFailures: [] });
  expect((await types(early)).filter((t) => t === 'SessionEnded')).toHaveLength(1);
  expect((await types(other)).filter((t) => t === 'SessionEnded')).toHaveLength(1);
});

test('records that can never succeed are skipped, not retried: malformed, unknown task, foreign session', async () => {
  const taskId = await runningTask();
  const unknown = ulid();
  const [heartbeat] = sessionRecords(taskId, 1);
  const foreign: TelemetryRecord = { type: 'final_report', taskId, sessionId: 'someone-else', seq: 99, at: new Date().toISOString(), report: REPORT };
  const response = await consume(
    kinesisEvent([
      '{not json',
      JSON.stringify({ type: 'progress', taskId, sessionId: 'x', seq: 'one', at: 'now' }),
      { type: 'final_report', taskId: unknown, sessionId: sessionOf(unknown), seq: 5, at: new Date().toISOString(), report: REPORT },
      foreign,
      heartbeat!,
    ]),
  );
  expect(response).toEqual({ batchItemFailures: [] });
  expect(logs.filter((l) => l.message === 'malformed telemetry record skipped')).toHaveLength(2);
  expect(logs.some((l) => l.message === 'final report for an unknown task skipped')).toBe(true);
  expect(logs.some((l) => l.message === 'session report ignored')).toBe(true);
  expect(await types(taskId)).not.toContain('SessionEnded');
  expect((await progress.progressViews.get(taskId))?.lastHeartbeatAt).toBe(heartbeat!.at);
});

test('the watchdog reads the last sign of life through the heartbeats port', async () => {
  const taskId = await runningTask();
  const heartbeats = deps.heartbeats!;
  expect(await heartbeats.lastHeartbeatAt(taskId)).toBeNull();
  const at = new Date().toISOString();
  await consume(kinesisEvent([{ type: 'heartbeat', taskId, sessionId: sessionOf(taskId), seq: 1, at }]));
  expect(await heartbeats.lastHeartbeatAt(taskId)).toBe(at);
});

test('the stores are required: a clear error names what is missing', () => {
  expect(() => createTelemetryConsumer({ store, now: () => new Date() })).toThrow(/missing the progressViews port .* and the progressEvents port/);
});

describe('on one machine: publisher → kinesalite → Kinesis poller → consumer', () => {
  let kit: KinesisKit;
  beforeAll(async () => {
    kit = await startKinesisKit();
  });
  afterAll(async () => kit.dispose());

  test('records flow through despite injected faults; a restarted poller resumes at its checkpoint', async () => {
    const streamName = await kit.createStream(2);
    const checkpoints = new DynamoDbCheckpointStore(db.client, db.name(CHECKPOINTS_TABLE));
    const tasks = [await runningTask(), await runningTask()];
    const delivered: string[] = [];
    const handler = async (event: KinesisStreamEvent) => {
      delivered.push(...event.Records.map((r) => r.kinesis.sequenceNumber));
      return consume(event);
    };
    const poller = await startKinesisPoller({ name: 'session-monitor', client: kit.client, streamName, handler, checkpoints, idleDelayMs: 10, retryBaseDelayMs: 10 });

    const faulty = tasks.map(() => new FaultyKinesis(kit.client, 1, 1));
    const publishers = tasks.map((taskId, i) =>
      startTelemetryPublisher({
        client: faulty[i]!,
        streamName,
        taskId,
        sessionId: sessionOf(taskId),
        heartbeatSeconds: 0.05,
        flushIntervalMs: 20,
        retry: { baseDelayMs: 10, maxDelayMs: 40 },
        log: () => undefined,
      }),
    );
    for (let turn = 1; turn <= 12; turn++) {
      for (const p of publishers) {
        p.progress({ kind: 'turn', turn, text: `turn ${turn}` });
        p.progress({ kind: 'cost_update', costUsd: turn / 10, turns: turn });
      }
    }
    await Promise.all(publishers.map((p) => p.finalReport({ ...REPORT, turns: 12, costUsd: 1.2 })));
    await Promise.all(publishers.map((p) => p.close()));
    await poller.caughtUp();
    await poller.stop();
    expect(faulty.map((f) => f.thrown)).toEqual([1, 1]);

    for (const [i, taskId] of tasks.entries()) {
      expect((await types(taskId)).filter((t) => t === 'SessionEnded')).toHaveLength(1);
      const view = (await progress.progressViews.get(taskId))!;
      expect(view).toMatchObject({ turns: 12, costUsd: 1.2, lastSeq: publishers[i]!.stats().lastSeq });
      expect(view.lastHeartbeatAt).not.toBeNull();
      const lines = view.lines.filter((l) => l.kind === 'turn').map((l) => l.text);
      expect(lines).toEqual(Array.from({ length: 12 }, (_, t) => `Turn ${t + 1}: turn ${t + 1}`));
      const page = await progress.progressEvents.listProgress(taskId, { limit: 100 });
      expect(page.items.filter((e) => e.event.kind === 'turn')).toHaveLength(12);
    }

    // Restart: nothing acknowledged comes again; only new records are delivered.
    const before = delivered.length;
    const late = startTelemetryPublisher({ client: kit.client, streamName, taskId: tasks[0]!, sessionId: sessionOf(tasks[0]!), heartbeatSeconds: 0, firstSeq: 1000, flushIntervalMs: 20, log: () => undefined });
    late.progress({ kind: 'milestone', name: 'after restart' });
    await late.close();
    const restarted = await startKinesisPoller({ name: 'session-monitor', client: kit.client, streamName, handler, checkpoints, idleDelayMs: 10 });
    await restarted.caughtUp();
    await restarted.stop();
    expect(delivered.length - before).toBe(2); // the late heartbeat and milestone
    expect(new Set(delivered).size).toBe(delivered.length);
    expect((await progress.progressViews.get(tasks[0]!))!.lines.at(-1)).toMatchObject({ seq: 1001, text: 'after restart' });
  });
});
