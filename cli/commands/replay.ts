/** bgagent replay: GET /v1/tasks/{id}/replay, printed as JSON. */
import type { CommandSpec } from '../command';

export const replay: CommandSpec = {
  name: 'replay',
  summary: 'Print the replay bundle of a task as JSON (events, prompt version, verification, cost).',
  args: [{ name: 'task_id', required: true, description: 'The task' }],
  examples: ['bgagent replay 01JABCDEF... > bundle.json', 'bgagent replay 01JABCDEF... | jq .verification'],
  async run(ctx, args) {
    ctx.printJson(await ctx.client().getReplay(args.positionals[0]!));
    return 0;
  },
};
