/**
 * The republish command against DynamoDB Local (an isolated events table) and the local
 * EventBridge (bus `abca`, a rule on `source: [{prefix: 'abca.'}]` → a function collecting what
 * arrives): stored events are re-sent unchanged — same envelope, same id — in order within each
 * stream; selections by stream range, stream type and recordedAt window; dry runs send nothing;
 * bad arguments are refused with messages that say what to fix; the CLI runs end to end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { startTestBus, waitFor, type TestBus } from '../../local/eventbridge/testing/harness';
import { createIsolatedTables, testEndpoint, type IsolatedTables } from '../../test/support/dynamo';
import { DynamoDbEventStore } from '../kernel/dynamodb-event-store';
import { streamKey, type EventEnvelope, type StreamRef } from '../kernel/envelope';
import { PublishError, type EventBus } from '../kernel/event-bus';
import { EventBridgeEventBus } from '../kernel/eventbridge-event-bus';
import { EVENTS_TABLE } from '../kernel/tables';
import { sampleEvents, taskStream, userStream } from '../kernel/testing/sample-events';
import { republish, RepublishArgumentError, RepublishError, type RepublishProgress, type RepublishSelection } from './republish';
import { runRepublishCli } from './republish.cli';

const T0 = new Date('2025-01-01T00:00:00.000Z');
const T1 = new Date('2025-01-02T00:00:00.000Z');
const T2 = new Date('2025-01-03T00:00:00.000Z');

let tables: IsolatedTables;
let store: DynamoDbEventStore;
let t: TestBus;
let eventBridge: EventBridgeEventBus;
let clock = T0;
/** What the rule's function target received: EventBridge events whose detail is the envelope. */
const received: Array<{ source: string; 'detail-type': string; detail: EventEnvelope }> = [];

const A = taskStream('rep-a');
const B = taskStream('rep-b');
const U = userStream('rep-u');
/** Stored events per stream key, as the store returned them. */
const stored = new Map<string, EventEnvelope[]>();

/** Forwards to the real bus and records each batch it was asked to publish, in call order. */
class SpyBus implements EventBus {
  readonly batches: EventEnvelope[][] = [];
  constructor(private readonly inner: EventBus) {}
  async publish(events: readonly EventEnvelope[]) {
    this.batches.push([...events]);
    await this.inner.publish(events);
  }
  get sent(): EventEnvelope[] {
    return this.batches.flat();
  }
}

async function append(stream: StreamRef, at: Date, count: number): Promise<void> {
  clock = at;
  const before = stored.get(streamKey(stream)) ?? [];
  const result = await store.append({ stream, expectedSequence: before.length, events: sampleEvents(count, streamKey(stream)) });
  if (result.status !== 'appended') throw new Error(`append to ${streamKey(stream)}: ${result.status}`);
  stored.set(streamKey(stream), [...before, ...result.events]);
}

const events = (stream: StreamRef) => stored.get(streamKey(stream))!;
const bySequence = (a: EventEnvelope, b: EventEnvelope) => streamKey(a.stream).localeCompare(streamKey(b.stream)) || a.sequence - b.sequence;
const sorted = (list: readonly EventEnvelope[]) => [...list].sort(bySequence);

/** Waits for `count` deliveries, lets the bus go idle (so extras would show), returns the envelopes. */
async function delivered(count: number): Promise<EventEnvelope[]> {
  if (count > 0) await waitFor(() => received.length >= count, undefined, `${count} deliveries`);
  await t.bus.idle();
  return received.map((r) => r.detail);
}

beforeAll(async () => {
  tables = await createIsolatedTables([EVENTS_TABLE], 'rep');
  store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE), now: () => clock });
  t = await startTestBus();
  await t.client.send(new CreateEventBusCommand({ Name: 'abca' }));
  t.bus.registerFunction('collector', async (event) => {
    received.push(event as never);
  });
  await t.client.send(new PutRuleCommand({ Name: 'everything', EventBusName: 'abca', EventPattern: JSON.stringify({ source: [{ prefix: 'abca.' }] }) }));
  await t.client.send(new PutTargetsCommand({ Rule: 'everything', EventBusName: 'abca', Targets: [{ Id: 'collector', Arn: t.bus.functionArn('collector') }] }));
  eventBridge = new EventBridgeEventBus({ client: t.client, eventBusName: 'abca' });

  await append(A, T0, 12); // Task#rep-a 1..12 recorded at T0
  await append(B, T1, 3); //  Task#rep-b 1..3 at T1 (the window's first instant)
  await append(B, T2, 2); //  Task#rep-b 4..5 at T2 (the window's end: excluded)
  await append(U, T1, 2); //  User#rep-u 1..2 at T1
}, 120_000);

beforeEach(() => {
  received.length = 0;
});

afterAll(async () => {
  await t?.stop();
  await tables?.drop();
});

test('one stream, a sequence range: exactly those events, in order, unchanged (same envelope, same id)', async () => {
  const bus = new SpyBus(eventBridge);
  const progress: RepublishProgress[] = [];
  const report = await republish({
    store,
    bus,
    selection: { stream: A, fromSequence: 3, toSequence: 9 },
    batchSize: 4,
    progressEvery: 3,
    onProgress: (p) => progress.push(p),
  });
  const expected = events(A).slice(2, 9);
  expect(report).toEqual({ streams: 1, events: 7, published: 7 });
  // Published in sequence order, in batches of ≤ 4.
  expect(bus.batches.map((b) => b.length)).toEqual([4, 3]);
  expect(bus.sent.map((e) => e.sequence)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  expect(bus.sent.map((e) => e.id)).toEqual(expected.map((e) => e.id));
  // Delivered exactly these, each the stored envelope untouched (EventBridge does not promise delivery order).
  const got = await delivered(7);
  expect(sorted(got)).toEqual(expected);
  expect(received.every((r) => r.source === 'abca.task' && r['detail-type'] === 'TaskQueued')).toBe(true);
  // Progress after each batch that crossed a multiple of 3 events: 4 (≥ 3), then 7 (≥ 6).
  expect(progress).toEqual([
    { scanned: 1, streams: 1, events: 4, published: 4, stream: 'Task#rep-a' },
    { scanned: 1, streams: 1, events: 7, published: 7, stream: 'Task#rep-a' },
  ]);
});

test('one stream without a range re-sends the whole stream; a range past the end sends nothing', async () => {
  const bus = new SpyBus(eventBridge);
  expect(await republish({ store, bus, selection: { stream: B } })).toEqual({ streams: 1, events: 5, published: 5 });
  expect(bus.sent).toEqual(events(B));
  expect(await republish({ store, bus, selection: { stream: B, fromSequence: 6 } })).toEqual({ streams: 0, events: 0, published: 0 });
  expect(await republish({ store, bus, selection: { stream: taskStream('never-written') } })).toEqual({ streams: 0, events: 0, published: 0 });
  expect(sorted(await delivered(5))).toEqual(events(B));
});

test('a stream type with a recordedAt window [from, to): only that type, only events recorded in the window', async () => {
  const bus = new SpyBus(eventBridge);
  const report = await republish({ store, bus, selection: { streamType: 'Task', recordedFrom: T1, recordedTo: T2.toISOString() } });
  // Task#rep-a is before the window, Task#rep-b 4..5 at its (exclusive) end, User#rep-u another type.
  const expected = events(B).slice(0, 3);
  expect(report).toEqual({ streams: 1, events: 3, published: 3 });
  expect(bus.sent).toEqual(expected);
  expect(sorted(await delivered(3))).toEqual(expected);

  // The whole type: both Task streams, each in order; nothing of User.
  const all = new SpyBus(eventBridge);
  expect(await republish({ store, bus: all, selection: { streamType: 'Task' } })).toEqual({ streams: 2, events: 17, published: 17 });
  for (const s of [A, B]) expect(all.sent.filter((e) => streamKey(e.stream) === streamKey(s))).toEqual(events(s));
  expect(all.sent.some((e) => e.stream.type === 'User')).toBe(false);
  expect(await delivered(3 + 17)).toHaveLength(20);
});

test('everything: every stream of every type, in order within each; or everything recorded in a window', async () => {
  const bus = new SpyBus(eventBridge);
  const report = await republish({ store, bus, selection: {} });
  expect(report).toEqual({ streams: 3, events: 19, published: 19 });
  for (const s of [A, B, U]) expect(bus.sent.filter((e) => streamKey(e.stream) === streamKey(s))).toEqual(events(s));
  expect(sorted(await delivered(19))).toEqual(sorted([...events(A), ...events(B), ...events(U)]));

  received.length = 0;
  const since = new SpyBus(eventBridge);
  expect(await republish({ store, bus: since, selection: { recordedFrom: '2025-01-02' } })).toEqual({ streams: 2, events: 7, published: 7 });
  expect(sorted(since.sent)).toEqual(sorted([...events(B), ...events(U)]));
  expect(sorted(await delivered(7))).toEqual(sorted(since.sent));
});

test('a dry run selects and lists, but sends nothing', async () => {
  const bus = new SpyBus(eventBridge);
  const listed: EventEnvelope[] = [];
  const report = await republish({ store, bus, selection: { streamType: 'Task' }, dryRun: true, onBatch: (batch) => listed.push(...batch) });
  expect(report).toEqual({ streams: 2, events: 17, published: 0 });
  expect(bus.batches).toEqual([]);
  expect(sorted(listed)).toEqual(sorted([...events(A), ...events(B)]));
  expect(await delivered(0)).toEqual([]);
});

test('bad arguments are refused before anything is read or sent, with messages that say what to fix', async () => {
  const bus = new SpyBus(eventBridge);
  const refused = async (selection: unknown, extra: { batchSize?: number } = {}) => {
    const err = await republish({ store, bus, selection: selection as RepublishSelection, ...extra }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepublishArgumentError);
    return (err as Error).message;
  };
  expect(await refused({ stream: A, fromSequence: 9, toSequence: 3 })).toMatch(/fromSequence \(9\) is after toSequence \(3\).*from must not be greater than to/);
  expect(await refused({ stream: A, fromSequence: 0 })).toMatch(/fromSequence must be a whole number of at least 1 \(sequences start at 1\), got 0/);
  expect(await refused({ stream: A, toSequence: 2.5 })).toMatch(/toSequence must be a whole number/);
  expect(await refused({ streamType: 'Tasks' })).toMatch(/unknown stream type "Tasks": choose one of Task, User, Repo, Webhook, ApiKey, Schedule/);
  expect(await refused({ stream: { type: 'Job', id: 'x' } })).toMatch(/unknown stream type "Job"/);
  expect(await refused({ stream: { type: 'Task', id: '' } })).toMatch(/needs a non-empty id/);
  expect(await refused({ recordedFrom: 'yesterday' })).toMatch(/recordedFrom "yesterday" is not an ISO 8601 instant: use an ISO 8601 date \(2025-01-31\)/);
  expect(await refused({ recordedTo: '2025-02-30' })).toMatch(/recordedTo "2025-02-30" is not a valid date or time/);
  expect(await refused({ recordedFrom: '2025-01-02T10:00:00' })).toMatch(/has no time zone: add Z \(UTC\) or an offset/);
  expect(await refused({ streamType: 'Task', recordedFrom: T2, recordedTo: T1 })).toMatch(/recordedFrom \(2025-01-03T00:00:00.000Z\) is after recordedTo \(2025-01-02T00:00:00.000Z\)/);
  expect(await refused({ streamType: 'Task', fromSequence: 2 })).toMatch(/fromSequence \/ toSequence apply to one stream: give a stream as well/);
  expect(await refused({ stream: A, streamType: 'Task' })).toMatch(/either a stream or a stream type, not both/);
  expect(await refused({ stream: A }, { batchSize: 0 })).toMatch(/batchSize must be a whole number of at least 1/);
  expect(bus.batches).toEqual([]);
  expect(await delivered(0)).toEqual([]);
});

test('a bus failure stops the republish and says what got through and where it stopped', async () => {
  let calls = 0;
  const failing: EventBus = {
    async publish(batch) {
      if (++calls === 2) throw new PublishError(batch.map((e) => ({ eventId: e.id, errorCode: 'ThrottlingException', errorMessage: 'slow down' })), 6);
    },
  };
  const err = await republish({ store, bus: failing, selection: { stream: A }, batchSize: 5 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RepublishError);
  const e = err as RepublishError;
  expect(e.report).toEqual({ streams: 1, events: 10, published: 5 });
  expect(e.firstUnpublished).toEqual({ stream: A, sequence: 6, id: events(A)[5]!.id });
  expect(e.cause).toBeInstanceOf(PublishError);
  expect(e.message).toMatch(/stopped at Task#rep-a sequence 6 after 5 published event\(s\): .*ThrottlingException.*Running it again is safe/);
  expect(calls).toBe(2); // nothing after the failed batch
});

describe('the CLI (in-process)', () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runRepublishCli(argv, { log: (l) => out.push(l), error: (l) => err.push(l), endpointsFile: path.join(os.tmpdir(), 'abca-no-such-endpoints.json') });
    return { code, out, err: err.join('\n') };
  };
  const local = () => ['--dynamodb-url', testEndpoint(), '--eventbridge-url', t.bus.url, '--table-prefix', tables.prefix];

  test('re-sends a stream range end to end: exit 0, progress on stderr, a summary line', async () => {
    const r = await run(...local(), '--stream', 'Task#rep-a', '--from-sequence', '2', '--to-sequence', '11', '--batch-size', '3', '--progress-every', '5');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([expect.stringMatching(/^republished 10 events from 1 streams to bus abca \(Task#rep-a sequences 2\.\.11\) in \d+\.\d s$/)]);
    expect(r.err).toMatch(/republishing Task#rep-a sequences 2\.\.11 from .*-events to bus abca via http/);
    expect(r.err).toMatch(/… 6 events selected, 6 published/);
    expect(sorted(await delivered(10))).toEqual(events(A).slice(1, 11));
  });

  test('a stream type with --since/--until, and everything', async () => {
    let r = await run(...local(), '--stream-type', 'Task', '--since', '2025-01-02T00:00:00Z', '--until', '2025-01-03');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^republished 3 events from 1 streams/);
    expect(sorted(await delivered(3))).toEqual(events(B).slice(0, 3));

    received.length = 0;
    r = await run(...local());
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^republished 19 events from 3 streams to bus abca \(every stream\)/);
    expect(await delivered(19)).toHaveLength(19);
  });

  test('--dry-run lists the events and sends nothing (no bus endpoint needed)', async () => {
    const r = await run('--dynamodb-url', testEndpoint(), '--table-prefix', tables.prefix, '--stream', 'User#rep-u', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      ...events(U).map((e) => `User#rep-u #${e.sequence} TaskQueued ${e.id} recorded ${e.recordedAt}`),
      'dry run: 2 events from 1 streams would be re-sent to bus abca (User#rep-u all sequences); nothing was sent',
    ]);
    expect(await delivered(0)).toEqual([]);
  });

  test('endpoints default to .abca/endpoints.json', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'abca-republish-'));
    try {
      const endpointsFile = path.join(dir, 'endpoints.json');
      writeFileSync(endpointsFile, JSON.stringify({ dynamodb_url: testEndpoint(), eventbridge_url: t.bus.url }));
      const out: string[] = [];
      const err: string[] = [];
      const code = await runRepublishCli(['--table-prefix', tables.prefix, '--stream', 'Task#rep-b', '--to-sequence', '2'], {
        log: (l) => out.push(l),
        error: (l) => err.push(l),
        endpointsFile,
      });
      expect(code).toBe(0);
      expect(err.join('\n')).toContain(`(from ${endpointsFile})`);
      expect(sorted(await delivered(2))).toEqual(events(B).slice(0, 2));

      writeFileSync(endpointsFile, JSON.stringify({ dynamodb_url: testEndpoint() }));
      const half = await runRepublishCli(['--table-prefix', tables.prefix], { log: () => undefined, error: (l) => err.push(l), endpointsFile });
      expect(half).toBe(2);
      expect(err.at(-1)).toMatch(/no EventBridge endpoint: pass --eventbridge-url URL .*has no usable "eventbridge_url"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad arguments exit 2 with a message saying what to fix; nothing is sent', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--stream', 'Task#rep-a', '--from-sequence', '9', '--to-sequence', '3'], /--from-sequence 9 is greater than --to-sequence 3/],
      [['--stream', 'Task#rep-a', '--from-sequence', '0'], /--from-sequence must be a whole number of at least 1, got "0"/],
      [['--stream-type', 'Job'], /unknown --stream-type "Job": choose one of Task, User, Repo, Webhook, ApiKey, Schedule/],
      [['--stream', 'rep-a'], /--stream "rep-a" is not a stream key: write TYPE#ID, e\.g\. Task#/],
      [['--since', 'last tuesday'], /--since "last tuesday" is not an ISO 8601 instant/],
      [['--until', '2025-01-03T00:00'], /--until "2025-01-03T00:00" has no time zone: add Z/],
      [['--since', '2025-01-03', '--until', '2025-01-02'], /--since 2025-01-03 is after --until 2025-01-02/],
      [['--stream-type', 'Task', '--to-sequence', '3'], /--from-sequence \/ --to-sequence need --stream TYPE#ID/],
      [['--stream', 'Task#rep-a', '--stream-type', 'Task'], /give --stream or --stream-type, not both/],
      [['--what'], /Unknown option '--what'/],
      [['--dynamodb-url', 'localhost:8000', '--eventbridge-url', 'http://127.0.0.1:1'], /--dynamodb-url "localhost:8000" must be an http:\/\/ or https:\/\/ URL/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...local(), ...argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toMatch(message);
      expect(r.err).toMatch(/see --help/);
    }
    // Only one endpoint and no endpoints file: refused, rather than sending half of it to AWS.
    const half = await run('--eventbridge-url', t.bus.url);
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/no DynamoDB endpoint: pass --dynamodb-url URL .*To use AWS itself, give neither URL/);
    expect(await delivered(0)).toEqual([]);
  });

  test('--help exits 0; a bus that refuses the events exits 1 and says it is safe to run again', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^Usage: npm run republish/);

    const r = await run(...local(), '--bus', 'no-such-bus', '--stream', 'User#rep-u', '--to-sequence', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/republish stopped at User#rep-u sequence 1 after 0 published event\(s\): .*Running it again is safe/);
  }, 120_000);
});
