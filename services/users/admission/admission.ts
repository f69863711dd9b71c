/**
 * Admission (docs/ARCHITECTURE.md "Admission"): the per-user cap with a FIFO queue, kept in the User aggregate.
 * Every decision changes the user's stream and the affected task streams in one atomic append:
 * SlotAcquired + TaskAdmitted, TaskEnqueued + TaskQueued, SlotReleased + (SlotAcquired +
 * TaskAdmitted for the next queued task), TaskDequeued(expired) + TaskFailed. No counter can drift:
 * the count is a fold of the user's events.
 */
import { runCommand, type CommandContext } from '../../kernel/command-handler';
import type { CommandTransaction } from '../../kernel/command-handler';
import { taskStream, userStream } from '../../streams';
import type { EventStore } from '../../kernel/event-store';
import { taskDecider } from '../../tasks/task/task-decider';
import { isTerminal, type TerminalStatus } from '../../tasks/task/task-state';
import type { AdmissionPolicy } from '../user/admission-policy';
import type { UserCommand } from '../user/user-commands';
import { taskEffectsOf, userDecider } from '../user/user-decider';


/** Decides on the user stream, then applies the resulting task commands to their streams. */
async function decideForUser(tx: CommandTransaction, userId: string, command: UserCommand, policy: AdmissionPolicy): Promise<void> {
  const user = userStream(userId);
  const userEvents = userDecider.decide(command, await tx.fold(userDecider, user));
  tx.emit(user, userEvents);
  for (const effect of taskEffectsOf(userEvents, policy.queueMaxAgeMs)) {
    const stream = taskStream(effect.taskId);
    tx.emit(stream, taskDecider.decide(effect.command, await tx.fold(taskDecider, stream)));
  }
}

/** TaskSubmitted → a slot now, or a place in the queue. A task that already ended is left alone. */
export function requestAdmission(store: EventStore, policy: AdmissionPolicy, taskId: string, context: CommandContext) {
  return runCommand(store, context, async (tx) => {
    const task = await tx.fold(taskDecider, taskStream(taskId));
    // Only a SUBMITTED task asks for a slot: a redelivered TaskSubmitted for a task that was
    // since queued, admitted or ended (cancelled before admission saw it) changes nothing.
    if (task.status !== 'SUBMITTED') return;
    await decideForUser(tx, task.userId, { type: 'RequestAdmission', taskId, cap: policy.maxActiveTasks }, policy);
  });
}

/** A terminal task event → its slot goes back (or it leaves the queue) and the next queued task is admitted. */
export function releaseSlot(store: EventStore, policy: AdmissionPolicy, taskId: string, terminalStatus: TerminalStatus, context: CommandContext) {
  return runCommand(store, context, async (tx) => {
    const task = await tx.fold(taskDecider, taskStream(taskId));
    if (task.status === null || !isTerminal(task.status)) return;
    await decideForUser(tx, task.userId, { type: 'ReleaseSlot', taskId, terminalStatus, cap: policy.maxActiveTasks }, policy);
  });
}

/** Queued tasks older than the queue's maximum age leave the queue and fail (QUEUE_TIMEOUT). */
export function expireQueue(store: EventStore, policy: AdmissionPolicy, userId: string, context: CommandContext) {
  return runCommand(store, context, (tx) =>
    decideForUser(tx, userId, { type: 'ExpireQueue', now: context.now.toISOString(), maxAgeMs: policy.queueMaxAgeMs }, policy),
  );
}
