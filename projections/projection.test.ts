import type { StreamRef } from '../services/kernel/envelope';
import { taskDecider } from '../services/tasks/task/task-decider';
import { foldView, SequenceGapError } from './projection';
import { happyPath, history, submit, timed } from './testing/histories';
import { taskViewProjection } from './task-view/task-view-projection';
import { concurrencyViewProjection } from './concurrency-view/concurrency-view-projection';
import { envelopes } from './testing/histories';

const stream: StreamRef = { type: 'Task', id: 't1' };
const events = history(taskDecider, stream, timed([submit('t1', 'u1'), ...happyPath('t1')]));

test('foldView folds in order and stamps lastSequence', () => {
  const state = foldView(taskViewProjection, 't1', events);
  expect(state.lastSequence).toBe(6);
  expect(state.view?.lastSequence).toBe(6);
  expect(state.view?.status).toBe('COMPLETED');
});

test('foldView skips what the state already reflects (duplicates) and continues from a state', () => {
  const half = foldView(taskViewProjection, 't1', events.slice(0, 3));
  expect(foldView(taskViewProjection, 't1', events, half)).toEqual(foldView(taskViewProjection, 't1', events));
  expect(foldView(taskViewProjection, 't1', [...events.slice(0, 4), events[2]!, events[3]!, ...events.slice(4)])).toEqual(foldView(taskViewProjection, 't1', events));
});

test('foldView refuses a gap', () => {
  expect(() => foldView(taskViewProjection, 't1', [events[0]!, events[2]!])).toThrow(SequenceGapError);
  expect(() => foldView(taskViewProjection, 't1', [events[0]!, events[2]!])).toThrow(/expected sequence 2, got 3/);
});

test('events the projection does not handle advance lastSequence only', () => {
  const user: StreamRef = { type: 'User', id: 'u1' };
  const [acquired] = envelopes(user, 1, [{ type: 'SlotAcquired', data: { taskId: 't1', fromQueue: false, activeCount: 1 } }], '2025-01-01T00:00:00.000Z');
  // A foreign event type at sequence 2 (the projection does not handle it).
  const [foreign] = envelopes(user, 2, [{ type: 'TaskQueued', data: { userId: 'u1', position: 1 } }], '2025-01-01T00:01:00.000Z');
  const state = foldView(concurrencyViewProjection, 'u1', [acquired!, foreign!]);
  expect(state).toEqual({ view: { userId: 'u1', active: ['t1'], queued: [], lastSequence: 2 }, lastSequence: 2 });
});

test('a stream that folds to no view still reports its position', () => {
  expect(foldView(taskViewProjection, 't1', events.slice(1, 1))).toEqual({ view: null, lastSequence: 0 });
  // Without its TaskSubmitted (a corrupt stream, starting at 1 with TaskAdmitted).
  const [admitted] = envelopes(stream, 1, [{ type: 'TaskAdmitted', data: { userId: 'u1', fromQueue: false } }], '2025-01-01T00:00:00.000Z');
  expect(foldView(taskViewProjection, 't1', [admitted!])).toEqual({ view: null, lastSequence: 1 });
});
