/** bgagent webhook create | list | revoke: /v1/webhooks. */
import { flag, intOpt, stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { collectPages, commandLine, printMoreHint } from '../paging';
import { field, formatAge, rowStatus, table } from '../render';

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9 _-]{0,62}[a-zA-Z0-9]$/;

export const webhookCreate: CommandSpec = {
  name: 'webhook create',
  summary: 'Create a webhook that lets an external system create tasks (POST /v1/webhooks/tasks, HMAC-signed).',
  notes: ['The secret is shown once: store it now. Requests are signed with X-Webhook-Signature: sha256=<HMAC-SHA256(secret, body)>.'],
  args: [{ name: 'name', required: false, description: 'Webhook name (2-64 characters: letters, digits, space, _ and -); or --name' }],
  options: { name: { type: 'string', value: '<name>', description: 'Webhook name (as the original CLI)' } },
  examples: ['bgagent webhook create ci-pipeline', 'bgagent webhook create --name "jira bridge" --json'],
  async run(ctx, args) {
    const name = args.positionals[0] ?? stringOpt(args, 'name');
    if (name === undefined) throw new UsageError('missing argument <name>');
    if (args.positionals[0] !== undefined && stringOpt(args, 'name') !== undefined) throw new UsageError('give the name once (argument or --name)');
    if (!NAME_PATTERN.test(name)) throw new UsageError(`webhook name '${name}' must be 2-64 characters: letters, digits, space, _ and -, starting and ending with a letter or digit`);
    const hook = await ctx.client().create('webhooks', { name });
    if (ctx.json) {
      ctx.printJson(hook);
      return 0;
    }
    const id = field(hook, 'webhook_id', 'id');
    ctx.out(`Webhook ${ctx.style.bold(id)} created (${field(hook, 'name') || name}).`);
    const secret = field(hook, 'secret');
    if (secret) {
      ctx.out('');
      ctx.out(`Secret: ${secret}`);
      ctx.out(ctx.style.yellow('This secret is shown once. Store it now; it cannot be read again.'));
      ctx.out(ctx.style.dim(`Sign requests to POST /v1/webhooks/tasks with X-Webhook-Id: ${id} and X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>.`));
    }
    return 0;
  },
};

export const webhookList: CommandSpec = {
  name: 'webhook list',
  summary: 'List your webhooks.',
  options: {
    'include-revoked': { type: 'boolean', description: 'Also show revoked webhooks (hidden by default)' },
    limit: { type: 'string', value: '<n>', description: 'Webhooks per page' },
    'next-token': { type: 'string', value: '<token>', description: 'Continue from a previous page' },
    all: { type: 'boolean', description: 'Follow next_token through every page' },
  },
  examples: ['bgagent webhook list', 'bgagent webhook list --include-revoked --json'],
  async run(ctx, args) {
    const limit = intOpt(args, 'limit', { min: 1, max: 100 });
    const includeRevoked = flag(args, 'include-revoked');
    const client = ctx.client();
    const fetched = await collectPages(
      (next_token) => client.list('webhooks', { limit, next_token }),
      flag(args, 'all'),
      stringOpt(args, 'next-token'),
    );
    // The API lists revoked ones too (with their status); they are hidden unless asked for.
    const page = includeRevoked ? fetched : { ...fetched, data: fetched.data.filter((row) => rowStatus(row) !== 'revoked') };
    if (ctx.json) {
      ctx.printJson(page);
      return 0;
    }
    if (page.data.length === 0) ctx.out('No webhooks. Create one with: bgagent webhook create <name>');
    else {
      const now = ctx.now();
      const rows = page.data.map((w) => [field(w, 'webhook_id', 'id'), field(w, 'name'), rowStatus(w), formatAge(field(w, 'created_at'), now)]);
      for (const line of table(['WEBHOOK ID', 'NAME', 'STATUS', 'AGE'], rows, ctx.style)) ctx.out(line);
    }
    printMoreHint(ctx, page, `${commandLine('bgagent webhook list', { limit })}${includeRevoked ? ' --include-revoked' : ''}`);
    return 0;
  },
};

export const webhookRevoke: CommandSpec = {
  name: 'webhook revoke',
  summary: 'Revoke a webhook: requests signed with its secret are refused from now on.',
  args: [{ name: 'webhook_id', required: true, description: 'The webhook' }],
  examples: ['bgagent webhook revoke 01JWEBHOOK...'],
  async run(ctx, args) {
    const id = args.positionals[0]!;
    const result = await ctx.client().revoke('webhooks', id);
    if (ctx.json) ctx.printJson(result ?? { webhook_id: id, status: 'revoked' });
    else ctx.out(`Webhook ${ctx.style.bold(id)} revoked.`);
    return 0;
  },
};
