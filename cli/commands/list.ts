/** bgagent list: GET /v1/tasks as a table. */
import { flag, intOpt, stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { collectPages, commandLine, printMoreHint } from '../paging';
import { formatAge, oneLine, table } from '../render';
import { TASK_STATUSES } from '../types';

export const list: CommandSpec = {
  name: 'list',
  summary: 'List your tasks, newest first.',
  options: {
    status: { type: 'string', value: '<S1,S2>', description: `Only these statuses, comma-separated (${TASK_STATUSES.join(', ')})` },
    repo: { type: 'string', value: '<owner/name>', description: 'Only this repository' },
    limit: { type: 'string', value: '<n>', description: 'Tasks per page (1-100, default 20)' },
    'next-token': { type: 'string', value: '<token>', description: 'Continue from a previous page' },
    all: { type: 'boolean', description: 'Follow next_token through every page' },
  },
  examples: ['bgagent list', 'bgagent list --status RUNNING,QUEUED', 'bgagent list --repo acme/api --limit 50 --all', 'bgagent list --json'],
  async run(ctx, args) {
    const status = parseStatuses(stringOpt(args, 'status'));
    const repo = stringOpt(args, 'repo');
    const limit = intOpt(args, 'limit', { min: 1, max: 100 });
    const client = ctx.client();
    const page = await collectPages(
      (next_token) => client.listTasks({ status, repo, limit, next_token }),
      flag(args, 'all'),
      stringOpt(args, 'next-token'),
    );
    if (ctx.json) {
      ctx.printJson(page);
      return 0;
    }
    if (page.data.length === 0) {
      ctx.out(status || repo ? 'No tasks match.' : 'No tasks yet. Submit one with: bgagent submit --repo <owner/name> --task "..."');
    } else {
      const now = ctx.now();
      const rows = page.data.map((t) => [
        t.task_id,
        ctx.style.status(t.status),
        t.repo,
        formatAge(t.created_at, now),
        t.pr_url ?? (t.error_classification?.title || t.error_message ? ctx.style.red(oneLine(t.error_classification?.title ?? t.error_message ?? '', 60)) : ''),
      ]);
      for (const line of table(['TASK ID', 'STATUS', 'REPO', 'AGE', 'PR / ERROR'], rows, ctx.style)) ctx.out(line);
    }
    printMoreHint(ctx, page, commandLine('bgagent list', { status, repo, limit }));
    return 0;
  },
};

function parseStatuses(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const statuses = raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const unknown = statuses.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
  if (statuses.length === 0 || unknown.length > 0) {
    throw new UsageError(`unknown status ${unknown.join(', ') || "''"} (one or more of ${TASK_STATUSES.join(', ')})`);
  }
  return statuses.join(',');
}
