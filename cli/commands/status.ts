/** bgagent status: GET /v1/tasks/{id}, optionally waiting until the task ends. */
import { flag } from '../args';
import type { CommandSpec } from '../command';
import { renderTaskDetail } from '../render';
import { exitCodeFor, watchTask } from '../watch';

export const status: CommandSpec = {
  name: 'status',
  summary: 'Show a task: status, PR, error and remedy, cost, turns, times.',
  notes: ['With --wait, it waits until the task ends (exit 0 when COMPLETED, 1 otherwise); Ctrl-C stops waiting (130).'],
  args: [{ name: 'task_id', required: true, description: 'The task' }],
  options: { wait: { type: 'boolean', description: 'Wait until the task ends' } },
  examples: ['bgagent status 01JABCDEF...', 'bgagent status 01JABCDEF... --wait', 'bgagent status 01JABCDEF... --json | jq .pr_url'],
  async run(ctx, args) {
    const taskId = args.positionals[0]!;
    const wait = flag(args, 'wait');
    const task = wait ? await watchTask(ctx, taskId, { events: 'none', outcome: false }) : await ctx.client().getTask(taskId);
    if (ctx.json) ctx.printJson(task);
    else for (const line of renderTaskDetail(task, ctx.style, ctx.now())) ctx.out(line);
    return wait ? exitCodeFor(task) : 0;
  },
};
