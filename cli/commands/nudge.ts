/** bgagent nudge: POST /v1/tasks/{id}/nudge. */
import { UsageError } from '../args';
import type { CommandSpec } from '../command';

export const nudge: CommandSpec = {
  name: 'nudge',
  summary: 'Send a message to a running task\'s agent; it is delivered between two turns.',
  args: [
    { name: 'task_id', required: true, description: 'The task' },
    { name: 'message', required: true, variadic: true, description: 'What to tell the agent (several words are joined)' },
  ],
  examples: ['bgagent nudge 01JABCDEF... "Also update the README"', 'bgagent nudge 01JABCDEF... use the existing retry helper'],
  async run(ctx, args) {
    const [taskId, ...words] = args.positionals;
    const message = words.join(' ').trim();
    if (!message) throw new UsageError('missing argument <message>');
    const result = await ctx.client().nudge(taskId!, message);
    if (ctx.json) ctx.printJson(result ?? { task_id: taskId });
    else ctx.out(`Nudge sent to task ${ctx.style.bold(taskId!)}${result && typeof result.nudge_id === 'string' ? ` (${result.nudge_id})` : ''}; the agent reads it after its current turn.`);
    return 0;
  },
};
