/**
 * Commands of the User aggregate, all sent by the admission service. `cap` is the user's maximum
 * of active tasks (see admission-policy.ts), passed in so the decider stays pure.
 */
import type { TerminalStatus } from './user-state';

/** On TaskSubmitted: take a slot, or join the queue. */
export interface RequestAdmission {
  readonly type: 'RequestAdmission';
  readonly taskId: string;
  readonly cap: number;
}

/** On a terminal task event: give the slot back (admitting queued tasks), or leave the queue. */
export interface ReleaseSlot {
  readonly type: 'ReleaseSlot';
  readonly taskId: string;
  readonly terminalStatus: TerminalStatus;
  readonly cap: number;
}

/** On a schedule (watchdog): drop queued tasks that waited longer than `maxAgeMs`. */
export interface ExpireQueue {
  readonly type: 'ExpireQueue';
  /** ISO-8601: the command's clock. */
  readonly now: string;
  readonly maxAgeMs: number;
}

export type UserCommand = RequestAdmission | ReleaseSlot | ExpireQueue;
