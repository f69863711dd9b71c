/** bgagent cancel: DELETE /v1/tasks/{id}. */
import type { CommandSpec } from '../command';

export const cancel: CommandSpec = {
  name: 'cancel',
  summary: 'Cancel a task (its agent is stopped; work already pushed stays on its branch).',
  args: [{ name: 'task_id', required: true, description: 'The task' }],
  examples: ['bgagent cancel 01JABCDEF...'],
  async run(ctx, args) {
    const taskId = args.positionals[0]!;
    const result = await ctx.client().cancelTask(taskId);
    if (ctx.json) {
      ctx.printJson(result);
      return 0;
    }
    ctx.out(`Task ${ctx.style.bold(result.task_id ?? taskId)} ${ctx.style.status(result.status ?? 'CANCELLED')}${result.cancelled_at ? ` at ${result.cancelled_at}` : ''}.`);
    if (result.cancellation_state === 'stopping') ctx.out(ctx.style.dim(`Its agent is being stopped (work so far is saved); bgagent status ${taskId} shows when it has.`));
    return 0;
  },
};
