/** bgagent events: GET /v1/tasks/{id}/events as a timeline. */
import { flag, intOpt, stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { collectPages, commandLine, printMoreHint } from '../paging';
import { renderEvent } from '../render';
import type { Page, TaskEvent } from '../types';

export const events: CommandSpec = {
  name: 'events',
  summary: 'Show the events of a task (lifecycle and agent progress), oldest first.',
  args: [{ name: 'task_id', required: true, description: 'The task' }],
  options: {
    limit: { type: 'string', value: '<n>', description: 'Events per page (1-100, default 50)' },
    after: { type: 'string', value: '<event_id>', description: 'Only events after this one' },
    'next-token': { type: 'string', value: '<token>', description: 'Continue from a previous page' },
    all: { type: 'boolean', description: 'Every event (follows the pages)' },
    desc: { type: 'boolean', description: 'Newest first' },
  },
  examples: ['bgagent events 01JABCDEF...', 'bgagent events 01JABCDEF... --all', 'bgagent events 01JABCDEF... --after 01JABCE... --json'],
  async run(ctx, args) {
    const taskId = args.positionals[0]!;
    const limit = intOpt(args, 'limit', { min: 1, max: 100 });
    const after = stringOpt(args, 'after');
    const desc = flag(args, 'desc');
    const nextToken = stringOpt(args, 'next-token');
    if (after !== undefined && nextToken !== undefined) throw new UsageError('--after and --next-token cannot be used together');
    const client = ctx.client();
    let page: Page<TaskEvent>;
    if (after !== undefined && flag(args, 'all')) {
      // `after` is the polling cursor: move it to the last event of each page.
      const data: TaskEvent[] = [];
      let cursor = after;
      for (;;) {
        const p = await client.listEvents(taskId, { after: cursor, limit: limit ?? 100, desc });
        data.push(...p.data);
        const last = p.data[p.data.length - 1]?.event_id;
        if (!p.pagination?.has_more || !last || last === cursor) break;
        cursor = last;
      }
      page = { data, pagination: { next_token: null, has_more: false } };
    } else {
      page = await collectPages(
        (next_token) => client.listEvents(taskId, { limit: limit ?? (flag(args, 'all') ? 100 : undefined), next_token, after, desc }),
        flag(args, 'all'),
        nextToken,
      );
    }
    if (ctx.json) {
      ctx.printJson(page);
      return 0;
    }
    if (page.data.length === 0) ctx.out(after ? `No events after ${after}.` : 'No events yet.');
    for (const event of page.data) ctx.out(`${renderEvent(event, ctx.style)}  ${ctx.style.dim(event.event_id)}`);
    printMoreHint(ctx, page, `${commandLine(`bgagent events ${taskId}`, { limit })}${desc ? ' --desc' : ''}`);
    return 0;
  },
};
