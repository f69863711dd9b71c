/**
 * The EventBus adapter against the local EventBridge (the real SDK over HTTP): envelopes arrive
 * as EventBridge events with the envelope as `detail`; large batches are split by count and size;
 * entries the bus refuses are retried and then reported, never dropped silently.
 */
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ulid } from 'ulid';
import { startTestBus, waitFor, type TestBus } from '../../local/eventbridge/testing/harness';
import type { EventEnvelope } from './envelope';
import { PublishError } from './event-bus';
import { chunkEntries, EventBridgeEventBus, MAX_PUT_BYTES, toEntry } from './eventbridge-event-bus';

let t: TestBus;
const received: Array<{ 'detail-type': string; source: string; detail: EventEnvelope }> = [];

function envelope(i: number, padding = ''): EventEnvelope {
  return {
    id: ulid(),
    type: 'TaskQueued',
    schemaVersion: 1,
    stream: { type: 'Task', id: `t-${i}` },
    sequence: 1,
    occurredAt: new Date().toISOString(),
    recordedAt: new Date().toISOString(),
    correlationId: `t-${i}`,
    causationId: `c-${i}${padding}`,
    source: 'abca.task',
    data: { userId: 'u', position: i + 1 },
    metadata: { actor: 'system' },
  } as EventEnvelope;
}

beforeAll(async () => {
  t = await startTestBus();
  await t.client.send(new CreateEventBusCommand({ Name: 'abca' }));
  t.bus.registerFunction('sink', async (event) => {
    received.push(event as never);
  });
  await t.client.send(new PutRuleCommand({ Name: 'all', EventBusName: 'abca', EventPattern: JSON.stringify({ source: ['abca.task'] }) }));
  await t.client.send(new PutTargetsCommand({ Rule: 'all', EventBusName: 'abca', Targets: [{ Id: 'sink', Arn: t.bus.functionArn('sink') }] }));
});
afterAll(() => t.stop());

test('publishes 25 events in chunks of ≤ 10; each arrives with the envelope as detail', async () => {
  const calls: number[] = [];
  t.client.middlewareStack.add((next) => async (args) => {
    const input = (args.input as { Entries?: unknown[] }).Entries;
    if (input) calls.push(input.length);
    return next(args);
  }, { step: 'initialize', name: 'countEntries' });
  const bus = new EventBridgeEventBus({ client: t.client, eventBusName: 'abca' });
  const events = Array.from({ length: 25 }, (_, i) => envelope(i));
  await bus.publish(events);
  await waitFor(() => received.length >= 25, undefined, '25 deliveries');
  expect(calls).toEqual([10, 10, 5]);
  const byId = new Map(received.map((r) => [r.detail.id, r]));
  for (const e of events) {
    expect(byId.get(e.id)).toMatchObject({ 'detail-type': 'TaskQueued', source: 'abca.task', detail: e });
  }
  t.client.middlewareStack.remove('countEntries');
});

test('entries the bus refuses are retried, then reported by id', async () => {
  const bus = new EventBridgeEventBus({ client: t.client, eventBusName: 'no-such-bus', maxAttempts: 3, baseDelayMs: 1 });
  const e = envelope(99);
  const error = await bus.publish([e]).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(PublishError);
  expect((error as PublishError).failed).toEqual([expect.objectContaining({ eventId: e.id })]);
  expect((error as Error).message).toMatch(/after 3 attempts/);
});

test('only the refused entries of a call are retried', async () => {
  let attempt = 0;
  const client = {
    send: async (cmd: PutEventsCommand) => {
      attempt++;
      const entries = cmd.input.Entries ?? [];
      // First call: the second entry is throttled; the retry carries it alone.
      if (attempt === 1) return { FailedEntryCount: 1, Entries: entries.map((_, i) => (i === 1 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow' } : { EventId: 'x' })) };
      expect(entries).toHaveLength(1);
      return { FailedEntryCount: 0, Entries: [{ EventId: 'y' }] };
    },
  };
  const bus = new EventBridgeEventBus({ client: client as never, eventBusName: 'abca', baseDelayMs: 1 });
  await bus.publish([envelope(1), envelope(2), envelope(3)]);
  expect(attempt).toBe(2);
});

test('chunks respect the 256 KB request limit as well as the 10-entry limit', () => {
  const big = Array.from({ length: 5 }, (_, i) => toEntry(envelope(i, 'x'.repeat(100_000)), 'abca'));
  const chunks = chunkEntries(big);
  expect(chunks.map((c) => c.length)).toEqual([2, 2, 1]);
  for (const c of chunks) expect(c.reduce((n, e) => n + Buffer.byteLength(e.entry.Detail!), 0)).toBeLessThanOrEqual(MAX_PUT_BYTES);
  expect(() => chunkEntries([toEntry(envelope(0, 'x'.repeat(300_000)), 'abca')])).toThrow(PublishError);
});
