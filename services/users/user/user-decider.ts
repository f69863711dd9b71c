/**
 * The User decider: admission with a per-user cap and a FIFO queue (docs/ARCHITECTURE.md "Admission"). The admission
 * service appends what this decides to the user stream and, in the same transaction, the matching
 * task events (see `taskEffectsOf`): SlotAcquired ↔ TaskAdmitted, TaskEnqueued ↔ TaskQueued,
 * TaskDequeued (expired) ↔ TaskFailed QUEUE_TIMEOUT.
 *
 * Queued tasks get a slot only from the head of the queue, so tasks are admitted in the order they
 * were enqueued; a new request never overtakes a waiting task.
 */
import { assertNever, type CommandEvents, type Decider } from '../../kernel/decider';
import type { FoldableEvent } from '../../kernel/envelope';
import { DomainError } from '../../kernel/errors';
import type { AdmitTask, FailTask, QueueTask } from '../../tasks/task/task-commands';
import type { ExpireQueue, ReleaseSlot, RequestAdmission, UserCommand } from './user-commands';
import { admissionStatusOf, evolveUser, initialUserState, type UserEvent, type UserEventType, type UserState } from './user-state';

type UserErrorCode = 'VALIDATION_ERROR';

function checkCap(cap: number): void {
  if (!Number.isInteger(cap) || cap < 1) {
    throw new DomainError<UserErrorCode>('VALIDATION_ERROR', `The admission cap must be a whole number of at least 1 (got ${cap}); check the admission policy.`, {
      field: 'cap',
    });
  }
}

/** SlotAcquired (fromQueue) for the oldest queued tasks while fewer than `cap` are active. */
function admitFromQueue(state: UserState, cap: number): UserEvent[] {
  const events: UserEvent[] = [];
  let active = state.active.length;
  for (const queued of state.queue) {
    if (active >= cap) break;
    active += 1;
    events.push({ type: 'SlotAcquired', data: { taskId: queued.taskId, fromQueue: true, activeCount: active } });
  }
  return events;
}

/** The state after the decider's own slot events (their occurredAt does not matter to the slots). */
function apply(state: UserState, events: readonly UserEvent[]): UserState {
  return events.reduce((s, e) => evolveUser(s, { ...e, occurredAt: '' } as FoldableEvent<UserEventType>), state);
}

function requestAdmission(c: RequestAdmission, state: UserState): UserEvent[] {
  checkCap(c.cap);
  if (admissionStatusOf(state, c.taskId) !== 'unknown') return []; // already active, queued or done
  // A raised cap may leave room while tasks wait: they go first.
  const promoted = admitFromQueue(state, c.cap);
  const after = apply(state, promoted);
  if (after.queue.length === 0 && after.active.length < c.cap) {
    return [...promoted, { type: 'SlotAcquired', data: { taskId: c.taskId, fromQueue: false, activeCount: after.active.length + 1 } }];
  }
  return [...promoted, { type: 'TaskEnqueued', data: { taskId: c.taskId, position: after.queue.length + 1 } }];
}

function releaseSlot(c: ReleaseSlot, state: UserState): UserEvent[] {
  checkCap(c.cap);
  const status = admissionStatusOf(state, c.taskId);
  switch (status) {
    case 'active': {
      const released: UserEvent = { type: 'SlotReleased', data: { taskId: c.taskId, terminalStatus: c.terminalStatus } };
      return [released, ...admitFromQueue(apply(state, [released]), c.cap)];
    }
    case 'queued': {
      const dequeued: UserEvent = {
        type: 'TaskDequeued',
        data: { taskId: c.taskId, reason: c.terminalStatus === 'CANCELLED' ? 'cancelled' : 'failed' },
      };
      return [dequeued, ...admitFromQueue(apply(state, [dequeued]), c.cap)];
    }
    case 'finished':
    case 'unknown':
      return [];
    default:
      return assertNever(status, 'admission status');
  }
}

function expireQueue(c: ExpireQueue, state: UserState): UserEvent[] {
  const now = Date.parse(c.now);
  if (Number.isNaN(now)) {
    throw new DomainError<UserErrorCode>('VALIDATION_ERROR', `ExpireQueue needs an ISO-8601 time in now (got ${JSON.stringify(c.now)}).`, { field: 'now' });
  }
  if (!(Number.isFinite(c.maxAgeMs) && c.maxAgeMs > 0)) {
    throw new DomainError<UserErrorCode>('VALIDATION_ERROR', `The queue maximum age must be a positive number of milliseconds (got ${c.maxAgeMs}).`, {
      field: 'maxAgeMs',
    });
  }
  return state.queue
    .filter((q) => now - Date.parse(q.enqueuedAt) > c.maxAgeMs)
    .map((q): UserEvent => ({ type: 'TaskDequeued', data: { taskId: q.taskId, reason: 'expired' } }));
}

function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RequestAdmission':
      return requestAdmission(command, state);
    case 'ReleaseSlot':
      return releaseSlot(command, state);
    case 'ExpireQueue':
      return expireQueue(command, state);
    default:
      return assertNever(command, 'User command');
  }
}

/** What each User command can emit (the decider tests check that decide keeps to it). */
const USER_COMMAND_EVENTS = {
  RequestAdmission: ['SlotAcquired', 'TaskEnqueued'],
  ReleaseSlot: ['SlotReleased', 'TaskDequeued', 'SlotAcquired'],
  ExpireQueue: ['TaskDequeued'],
} as const satisfies CommandEvents<UserCommand, UserEventType>;

export const userDecider: Decider<UserCommand, UserState, UserEventType> = {
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
  commandEvents: USER_COMMAND_EVENTS,
};

// ── for the admission service ───────────────────────────────────────────────────────────────────

/** Task ids that got a slot in these user events, in order. */
export function admittedTaskIds(events: readonly UserEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'SlotAcquired' ? [e.data.taskId] : []));
}

export interface TaskEffect {
  readonly taskId: string;
  readonly command: AdmitTask | QueueTask | FailTask;
}

/**
 * The Task commands that go with these user events, for the same transaction: SlotAcquired →
 * AdmitTask, TaskEnqueued → QueueTask, TaskDequeued `expired` → FailTask QUEUE_TIMEOUT. A task
 * dequeued as `cancelled` or `failed`, or that released its slot, is already terminal: nothing.
 */
export function taskEffectsOf(events: readonly UserEvent[], queueMaxAgeMs?: number): TaskEffect[] {
  const effects: TaskEffect[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'SlotAcquired':
        effects.push({ taskId: e.data.taskId, command: { type: 'AdmitTask', fromQueue: e.data.fromQueue } });
        break;
      case 'TaskEnqueued':
        effects.push({ taskId: e.data.taskId, command: { type: 'QueueTask', position: e.data.position } });
        break;
      case 'TaskDequeued':
        if (e.data.reason === 'expired') {
          const limit = queueMaxAgeMs === undefined ? 'the maximum queue age' : `the maximum of ${formatDuration(queueMaxAgeMs)}`;
          effects.push({
            taskId: e.data.taskId,
            command: {
              type: 'FailTask',
              code: 'QUEUE_TIMEOUT',
              reason: `The task waited in the queue longer than ${limit} without getting a slot (too many of your tasks were active). Submit it again, or cancel other tasks first.`,
            },
          });
        }
        break;
      case 'SlotReleased':
        break;
      default:
        assertNever(e, 'User event');
    }
  }
  return effects;
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (Number.isInteger(hours)) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const minutes = ms / 60_000;
  if (Number.isInteger(minutes)) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${ms} ms`;
}
