/** bgagent watch: live progress of a task until it ends. */
import { stringOpt } from '../args';
import type { CommandSpec } from '../command';
import { exitCodeFor, watchTask } from '../watch';

export const watch: CommandSpec = {
  name: 'watch',
  summary: 'Follow a task live: lifecycle and agent progress (turns, tool calls, milestones, cost) as they happen.',
  notes: [
    'Prints the task\'s events from the start, then each new one as it arrives, until the task ends.',
    'Exit code: 0 when the task ends COMPLETED, 1 when it ends otherwise, 130 on Ctrl-C',
    '(which only stops watching: the task keeps running). --json prints one JSON event per line.',
  ],
  args: [{ name: 'task_id', required: true, description: 'The task' }],
  options: { after: { type: 'string', value: '<event_id>', description: 'Start after this event (skip the history)' } },
  examples: ['bgagent watch 01JABCDEF...', 'bgagent watch 01JABCDEF... --json | jq -r .event_type'],
  async run(ctx, args) {
    const taskId = args.positionals[0]!;
    if (!ctx.json) ctx.err(ctx.errStyle.dim(`Watching task ${taskId} (Ctrl-C stops watching; the task keeps running)`));
    const task = await watchTask(ctx, taskId, { events: ctx.json ? 'ndjson' : 'lines', outcome: true, after: stringOpt(args, 'after') });
    return exitCodeFor(task);
  },
};
