import fc from 'fast-check';
import { fold } from '../../services/kernel/decider';
import type { FoldableEvent, StreamRef } from '../../services/kernel/envelope';
import type { UserCommand } from '../../services/users/user/user-commands';
import { userDecider } from '../../services/users/user/user-decider';
import type { UserEventType } from '../../services/users/user/user-state';
import { foldView } from '../projection';
import { history, timed } from '../testing/histories';
import { concurrencyViewProjection, evolveConcurrencyView } from './concurrency-view-projection';

const USER = 'user-1';
const stream: StreamRef = { type: 'User', id: USER };
const viewOf = (events: Parameters<typeof foldView>[2]) => foldView(concurrencyViewProjection, USER, events).view!;

test('slots, queue and releases (cap 2)', () => {
  const request = (taskId: string): UserCommand => ({ type: 'RequestAdmission', taskId, cap: 2 });
  const release = (taskId: string): UserCommand => ({ type: 'ReleaseSlot', taskId, terminalStatus: 'COMPLETED', cap: 2 });
  const events = history(userDecider, stream, timed([request('t1'), request('t2'), request('t3'), request('t4'), request('t5')]));
  expect(events.map((e) => e.type)).toEqual(['SlotAcquired', 'SlotAcquired', 'TaskEnqueued', 'TaskEnqueued', 'TaskEnqueued']);
  expect(viewOf(events)).toEqual({
    userId: USER,
    active: ['t1', 't2'],
    queued: [
      { taskId: 't3', enqueuedAt: '2025-01-01T00:02:00.000Z' },
      { taskId: 't4', enqueuedAt: '2025-01-01T00:03:00.000Z' },
      { taskId: 't5', enqueuedAt: '2025-01-01T00:04:00.000Z' },
    ],
    lastSequence: 5,
  });

  const more = history(
    userDecider,
    stream,
    timed([request('t1'), request('t2'), request('t3'), request('t4'), request('t5'), release('t1'), { type: 'ReleaseSlot', taskId: 't4', terminalStatus: 'CANCELLED', cap: 2 }]),
  );
  // t1 releases → t3 from the queue; t4 cancelled while queued → dequeued.
  expect(more.slice(5).map((e) => e.type)).toEqual(['SlotReleased', 'SlotAcquired', 'TaskDequeued']);
  expect(viewOf(more)).toEqual({ userId: USER, active: ['t2', 't3'], queued: [{ taskId: 't5', enqueuedAt: '2025-01-01T00:04:00.000Z' }], lastSequence: 8 });
});

test('the initial view is empty; evolve from null starts from it', () => {
  expect(concurrencyViewProjection.initialState(USER)).toEqual({ userId: USER, active: [], queued: [], lastSequence: 0 });
  const [first] = history(userDecider, stream, timed([{ type: 'RequestAdmission', taskId: 't1', cap: 1 }]));
  expect(evolveConcurrencyView(null, first as never)).toEqual({ userId: USER, active: ['t1'], queued: [], lastSequence: 1 });
  expect(concurrencyViewProjection.canHandle('TaskSubmitted')).toBe(false);
});

const taskId = fc.constantFrom('t1', 't2', 't3', 't4', 't5', 't6');
const userCommand = (cap: number): fc.Arbitrary<UserCommand> =>
  fc.oneof(
    { weight: 3, arbitrary: taskId.map((id): UserCommand => ({ type: 'RequestAdmission', taskId: id, cap })) },
    {
      weight: 2,
      arbitrary: fc
        .record({ id: taskId, status: fc.constantFrom('COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT') })
        .map(({ id, status }): UserCommand => ({ type: 'ReleaseSlot', taskId: id, terminalStatus: status, cap })),
    },
    { weight: 1, arbitrary: fc.constantFrom(1, 3).map((m): UserCommand => ({ type: 'ExpireQueue', now: '2025-01-01T00:10:00.000Z', maxAgeMs: m * 60_000 })) },
  );

test('property: the view is the User aggregate without its memory of finished tasks', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }).chain((cap) => fc.array(userCommand(cap), { maxLength: 25 })),
      (commands) => {
        const events = history(userDecider, stream, timed(commands));
        for (let n = 1; n <= events.length; n++) {
          const prefix = events.slice(0, n);
          const user = fold(userDecider, prefix as unknown as FoldableEvent<UserEventType>[]);
          expect(viewOf(prefix)).toEqual({ userId: USER, active: user.active, queued: user.queue, lastSequence: n });
        }
      },
    ),
    { numRuns: 200 },
  );
});
