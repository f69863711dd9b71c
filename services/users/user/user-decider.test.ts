import { deciderSpec, type GivenEvent } from '../../kernel/testing/given-when-then';
import { admittedTaskIds, taskEffectsOf, userDecider } from './user-decider';
import { admissionStatusOf, queuePositionOf, type UserEventType } from './user-state';

const { given } = deciderSpec(userDecider);
type E = GivenEvent<UserEventType>;

const acquired = (taskId: string, activeCount: number, fromQueue = false): E => ({ type: 'SlotAcquired', data: { taskId, fromQueue, activeCount } });
const released = (taskId: string, terminalStatus: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT' = 'COMPLETED'): E => ({
  type: 'SlotReleased',
  data: { taskId, terminalStatus },
});
const enqueued = (taskId: string, position: number, occurredAt?: string): E => ({
  type: 'TaskEnqueued',
  data: { taskId, position },
  ...(occurredAt ? { occurredAt } : {}),
});
const dequeued = (taskId: string, reason: 'cancelled' | 'expired' | 'failed'): E => ({ type: 'TaskDequeued', data: { taskId, reason } });

const request = (taskId: string, cap = 2) => ({ type: 'RequestAdmission' as const, taskId, cap });
const release = (taskId: string, terminalStatus: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT' = 'COMPLETED', cap = 2) => ({
  type: 'ReleaseSlot' as const,
  taskId,
  terminalStatus,
  cap,
});

/** cap 2: t1, t2 active; t3, t4 queued. */
const FULL = [acquired('t1', 1), acquired('t2', 2), enqueued('t3', 1), enqueued('t4', 2)];

describe('RequestAdmission', () => {
  it('gives a slot while the user is under the cap', () => {
    given([]).when(request('t1')).then([acquired('t1', 1)]);
    given([acquired('t1', 1)]).when(request('t2')).then([acquired('t2', 2)]);
  });

  it('queues the task at the end when the user is at the cap', () => {
    given([acquired('t1', 1), acquired('t2', 2)]).when(request('t3')).then([enqueued('t3', 1)]);
    given(FULL).when(request('t5')).then([enqueued('t5', 3)]);
  });

  it('does nothing for a task that is active, queued or finished (redelivery)', () => {
    given(FULL).when(request('t1')).thenNothing();
    given(FULL).when(request('t3')).thenNothing();
    given([acquired('t1', 1), released('t1')]).when(request('t1')).thenNothing();
    given([enqueued('t1', 1), dequeued('t1', 'expired')]).when(request('t1')).thenNothing();
  });

  it('lets waiting tasks go first when the cap was raised: a new task never overtakes the queue', () => {
    given(FULL).when(request('t5', 3)).then([acquired('t3', 3, true), enqueued('t5', 2)]);
    given(FULL).when(request('t5', 5)).then([acquired('t3', 3, true), acquired('t4', 4, true), acquired('t5', 5)]);
  });

  it('admits nobody new when the cap was lowered below the active count', () => {
    given([acquired('t1', 1), acquired('t2', 2)]).when(request('t3', 1)).then([enqueued('t3', 1)]);
  });

  it('refuses a cap below 1', () => {
    given([]).when(request('t1', 0)).thenThrows('VALIDATION_ERROR', /at least 1/);
  });
});

describe('ReleaseSlot', () => {
  it('releases the slot and admits the oldest queued task', () => {
    given(FULL).when(release('t1')).then([released('t1'), acquired('t3', 2, true)]);
  });

  it('releases without admitting when nobody waits', () => {
    given([acquired('t1', 1), acquired('t2', 2)]).when(release('t2', 'TIMED_OUT')).then([released('t2', 'TIMED_OUT')]);
  });

  it('admits several queued tasks when the cap was raised', () => {
    given(FULL).when(release('t1', 'FAILED', 4)).then([released('t1', 'FAILED'), acquired('t3', 2, true), acquired('t4', 3, true)]);
  });

  it.each([
    ['CANCELLED', 'cancelled'],
    ['FAILED', 'failed'],
    ['TIMED_OUT', 'failed'],
  ] as const)('takes a queued task that ended %s off the queue (%s)', (status, reason) => {
    given(FULL).when(release('t4', status)).then([dequeued('t4', reason)]);
  });

  it('does nothing for an unknown or finished task (redelivery)', () => {
    given(FULL).when(release('t9')).thenNothing();
    given([...FULL, released('t1'), acquired('t3', 2, true)]).when(release('t1')).thenNothing();
    given([...FULL, dequeued('t4', 'cancelled')]).when(release('t4', 'CANCELLED')).thenNothing();
  });
});

describe('ExpireQueue', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const history = [
    acquired('t1', 1),
    enqueued('t2', 1, '2025-01-01T00:00:00.000Z'),
    enqueued('t3', 2, '2025-01-01T12:00:00.000Z'),
    enqueued('t4', 3, '2025-01-02T00:00:00.000Z'),
  ];

  it('dequeues every task that waited longer than the maximum age', () => {
    given(history)
      .when({ type: 'ExpireQueue', now: '2025-01-02T12:00:00.001Z', maxAgeMs: DAY })
      .then([dequeued('t2', 'expired'), dequeued('t3', 'expired')]);
  });

  it('keeps a task exactly at the maximum age', () => {
    given(history).when({ type: 'ExpireQueue', now: '2025-01-02T00:00:00.000Z', maxAgeMs: DAY }).thenNothing();
  });

  it('does nothing when no task is too old, or nobody waits', () => {
    given(history).when({ type: 'ExpireQueue', now: '2025-01-01T01:00:00.000Z', maxAgeMs: DAY }).thenNothing();
    given([acquired('t1', 1)]).when({ type: 'ExpireQueue', now: '2030-01-01T00:00:00.000Z', maxAgeMs: DAY }).thenNothing();
  });

  it('refuses a bad clock or age', () => {
    given(history).when({ type: 'ExpireQueue', now: 'yesterday', maxAgeMs: DAY }).thenThrows('VALIDATION_ERROR', /ISO-8601/);
    given(history).when({ type: 'ExpireQueue', now: '2025-01-01T00:00:00.000Z', maxAgeMs: 0 }).thenThrows('VALIDATION_ERROR', /positive/);
  });
});

describe('evolve', () => {
  it('keeps active (in order), queue (FIFO, with enqueue time) and finished tasks apart', () => {
    const state = given([...FULL, released('t1'), acquired('t3', 2, true), enqueued('t5', 2, '2025-02-01T00:00:00.000Z'), dequeued('t4', 'cancelled')]).state();
    expect(state.active).toEqual(['t2', 't3']);
    expect(state.queue).toEqual([{ taskId: 't5', enqueuedAt: '2025-02-01T00:00:00.000Z' }]);
    expect([...state.finished].sort()).toEqual(['t1', 't4']);
    expect(admissionStatusOf(state, 't1')).toBe('finished');
    expect(admissionStatusOf(state, 't2')).toBe('active');
    expect(admissionStatusOf(state, 't5')).toBe('queued');
    expect(admissionStatusOf(state, 'zz')).toBe('unknown');
    expect(queuePositionOf(state, 't5')).toBe(1);
    expect(queuePositionOf(state, 't2')).toBeNull();
  });

  it('gives enqueued tasks their event time (default given times are one second apart)', () => {
    expect(given(FULL).state().queue).toEqual([
      { taskId: 't3', enqueuedAt: '2025-01-01T00:00:02.000Z' },
      { taskId: 't4', enqueuedAt: '2025-01-01T00:00:03.000Z' },
    ]);
  });
});

describe('for the admission service', () => {
  it('lists admitted task ids', () => {
    const events = given(FULL).when(release('t1', 'COMPLETED', 4)).events();
    expect(admittedTaskIds(events)).toEqual(['t3', 't4']);
  });

  it('maps user events to the task commands of the same transaction', () => {
    const events = [
      { type: 'SlotReleased', data: { taskId: 't1', terminalStatus: 'COMPLETED' } },
      { type: 'SlotAcquired', data: { taskId: 't3', fromQueue: true, activeCount: 2 } },
      { type: 'SlotAcquired', data: { taskId: 't6', fromQueue: false, activeCount: 3 } },
      { type: 'TaskEnqueued', data: { taskId: 't7', position: 4 } },
      { type: 'TaskDequeued', data: { taskId: 't4', reason: 'expired' } },
      { type: 'TaskDequeued', data: { taskId: 't5', reason: 'cancelled' } },
    ] as const;
    expect(taskEffectsOf(events, 24 * 3_600_000)).toEqual([
      { taskId: 't3', command: { type: 'AdmitTask', fromQueue: true } },
      { taskId: 't6', command: { type: 'AdmitTask', fromQueue: false } },
      { taskId: 't7', command: { type: 'QueueTask', position: 4 } },
      { taskId: 't4', command: { type: 'FailTask', code: 'QUEUE_TIMEOUT', reason: expect.stringContaining('the maximum of 24 hours') } },
    ]);
  });
});
