/**
 * Submitting a task (task-api, webhooks, schedules): read the repository's config (a task for a
 * repo that is not onboarded is refused), then SubmitTask on a new Task stream. Returns the task.
 */
import { ulid } from 'ulid';
import { runCommand, type CommandContext } from '../../kernel/command-handler';
import type { EventStore } from '../../kernel/event-store';
import { repoConfigForTasks, repoDecider } from '../../repos/repo/repo-decider';
import { repoStream, taskStream } from '../../streams';
import type { SubmitTask } from './task-commands';
import { taskDecider } from './task-decider';

export type SubmitTaskInput = Omit<SubmitTask, 'type' | 'taskId' | 'repoConfig' | 'now'> & { readonly taskId?: string };


export async function submitTask(store: EventStore, input: SubmitTaskInput, context: Omit<CommandContext, 'correlationId'>) {
  const taskId = input.taskId ?? ulid(context.now.getTime());
  // The repo stream is read inside the same command, so a concurrent offboarding is seen.
  const result = await runCommand(store, { ...context, correlationId: taskId }, async (tx) => {
    const repoConfig = repoConfigForTasks(await tx.fold(repoDecider, repoStream(input.repo)));
    const stream = taskStream(taskId);
    const state = await tx.fold(taskDecider, stream);
    tx.emit(stream, taskDecider.decide({ ...input, type: 'SubmitTask', taskId, repoConfig, now: context.now.toISOString() }, state));
  });
  return { taskId, status: result.status };
}

