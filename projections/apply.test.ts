import fc from 'fast-check';
import type { StreamRef } from '../services/kernel/envelope';
import { taskDecider } from '../services/tasks/task/task-decider';
import { applyEvent, MissingEventsError, ProjectionConflictError } from './apply';
import { foldView } from './projection';
import { InMemoryEventLog, InMemoryViewStore } from './testing/in-memory';
import { envelopes, happyPath, history, submit, timed } from './testing/histories';
import type { TaskView } from './task-view/task-view';
import { taskViewProjection } from './task-view/task-view-projection';

const stream: StreamRef = { type: 'Task', id: 't1' };
const events = history(taskDecider, stream, timed([submit('t1', 'u1'), ...happyPath('t1')]));
const expected = foldView(taskViewProjection, 't1', events).view!;

function setup() {
  return { views: new InMemoryViewStore<TaskView>(), log: new InMemoryEventLog([...events]) };
}

test('in order: each event applied with one conditional write, no reads from the store', async () => {
  const { views, log } = setup();
  for (const e of events) {
    expect(await applyEvent(taskViewProjection, views, log, e)).toEqual({ status: 'applied', lastSequence: e.sequence, eventsFolded: 1, attempts: 1 });
  }
  expect(views.items.get('t1')).toEqual(expected);
  expect(log.reads).toHaveLength(0);
  expect(views.saves).toBe(events.length);
});

test('a redelivered event is a duplicate and writes nothing', async () => {
  const { views, log } = setup();
  for (const e of events.slice(0, 3)) await applyEvent(taskViewProjection, views, log, e);
  const saves = views.saves;
  expect(await applyEvent(taskViewProjection, views, log, events[1]!)).toEqual({ status: 'duplicate', lastSequence: 3 });
  expect(await applyEvent(taskViewProjection, views, log, events[2]!)).toEqual({ status: 'duplicate', lastSequence: 3 });
  expect(views.saves).toBe(saves);
});

test('a gap is filled from the event store, then later events are duplicates', async () => {
  const { views, log } = setup();
  expect(await applyEvent(taskViewProjection, views, log, events[4]!)).toMatchObject({ status: 'applied', lastSequence: 5, eventsFolded: 5 });
  expect(log.reads).toEqual([{ stream, options: { fromSequence: 1, toSequence: 5 } }]);
  expect(await applyEvent(taskViewProjection, views, log, events[0]!)).toMatchObject({ status: 'duplicate' });
  expect(await applyEvent(taskViewProjection, views, log, events[5]!)).toMatchObject({ status: 'applied', eventsFolded: 1 });
  expect(views.items.get('t1')).toEqual(expected);
});

test('a gap after a stored view reads only the missing events', async () => {
  const { views, log } = setup();
  await applyEvent(taskViewProjection, views, log, events[0]!);
  await applyEvent(taskViewProjection, views, log, events[3]!);
  expect(log.reads.map((r) => r.options)).toEqual([{ fromSequence: 2, toSequence: 4 }]);
});

test('property: any delivery order, with any duplicates, ends in the fold of the stream', async () => {
  const deliveries = fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 12 }).chain((extra) =>
    fc.shuffledSubarray([...events.map((_, i) => i), ...extra], { minLength: events.length + extra.length }),
  );
  await fc.assert(
    fc.asyncProperty(deliveries, async (order) => {
      const { views, log } = setup();
      for (const i of order) await applyEvent(taskViewProjection, views, log, events[i]!);
      expect(views.items.get('t1')).toEqual(expected);
    }),
    { numRuns: 200 },
  );
});

test('concurrent deliveries: conflicts are retried on a fresh load; the result is the fold', async () => {
  const { views, log } = setup();
  views.beforeWrite = () => new Promise((r) => setImmediate(r));
  const outcomes = await Promise.all([...events].reverse().map((e) => applyEvent(taskViewProjection, views, log, e, { backoffMs: () => 2, maxAttempts: 20 })));
  expect(views.items.get('t1')).toEqual(expected);
  expect(views.conflicts).toBeGreaterThan(0);
  expect(outcomes.every((o) => o.status === 'applied' || o.status === 'duplicate')).toBe(true);
});

test('conflicts beyond the bound throw ProjectionConflictError (the message is retried)', async () => {
  const { views, log } = setup();
  // Somebody else keeps the stored view moving: every save finds another lastSequence.
  views.save = async () => 'conflict';
  await expect(applyEvent(taskViewProjection, views, log, events[0]!, { maxAttempts: 3, backoffMs: () => 0 })).rejects.toThrow(ProjectionConflictError);
});

test('events missing from the store (not yet readable) throw MissingEventsError', async () => {
  const views = new InMemoryViewStore<TaskView>();
  const log = new InMemoryEventLog([events[0]!, events[2]!]);
  await expect(applyEvent(taskViewProjection, views, log, events[2]!)).rejects.toThrow(MissingEventsError);
  expect(views.items.size).toBe(0);
});

test('other streams and unhandled event types are ignored', async () => {
  const { views, log } = setup();
  const [userEvent] = envelopes({ type: 'User', id: 'u1' }, 1, [{ type: 'SlotAcquired', data: { taskId: 't1', fromQueue: false, activeCount: 1 } }], '2025-01-01T00:00:00.000Z');
  expect(await applyEvent(taskViewProjection, views, log, userEvent!)).toEqual({ status: 'ignored', reason: 'stream-type' });
  const [odd] = envelopes(stream, 1, [{ type: 'SlotAcquired', data: { taskId: 't1', fromQueue: false, activeCount: 1 } }], '2025-01-01T00:00:00.000Z');
  expect(await applyEvent(taskViewProjection, views, log, odd!)).toEqual({ status: 'ignored', reason: 'event-type' });
  expect(views.items.size).toBe(0);
});

test('a stream without its creating event yields no view and writes nothing', async () => {
  const [admitted] = envelopes(stream, 1, [{ type: 'TaskAdmitted', data: { userId: 'u1', fromQueue: false } }], '2025-01-01T00:00:00.000Z');
  const views = new InMemoryViewStore<TaskView>();
  expect(await applyEvent(taskViewProjection, views, new InMemoryEventLog([admitted!]), admitted!)).toEqual({ status: 'no-view', lastSequence: 1 });
  expect(views.items.size).toBe(0);
});
