/** bgagent api-key create | list | revoke: /v1/api-keys. */
import { flag, intOpt, stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { collectPages, commandLine, printMoreHint } from '../paging';
import { field, formatAge, rowStatus, table } from '../render';

/** The full key in a create answer: whichever field holds a `bgak_…` value. */
function keyOf(row: Record<string, unknown>): string {
  for (const k of ['api_key', 'key', 'secret', 'token']) {
    const v = row[k];
    if (typeof v === 'string' && v.startsWith('bgak_')) return v;
  }
  for (const v of Object.values(row)) if (typeof v === 'string' && /^bgak_[^_]+_./.test(v)) return v;
  return '';
}

export const apiKeyCreate: CommandSpec = {
  name: 'api-key create',
  summary: 'Create an API key for scripts and CI (sent as X-API-Key). The key is shown once.',
  args: [{ name: 'name', required: false, description: 'A name to recognise the key by; or --name' }],
  options: { name: { type: 'string', value: '<name>', description: 'Key name (as the original CLI)' } },
  examples: ['bgagent api-key create ci', 'export BGAGENT_API_KEY=$(bgagent api-key create ci --json | jq -r .api_key)'],
  async run(ctx, args) {
    if (args.positionals[0] !== undefined && stringOpt(args, 'name') !== undefined) throw new UsageError('give the name once (argument or --name)');
    const name = args.positionals[0] ?? stringOpt(args, 'name');
    const created = await ctx.client().create('api-keys', name !== undefined ? { name } : {});
    if (ctx.json) {
      ctx.printJson(created);
      return 0;
    }
    const id = field(created, 'key_id', 'api_key_id', 'id');
    ctx.out(`API key ${ctx.style.bold(id)} created${field(created, 'name') ? ` (${field(created, 'name')})` : ''}.`);
    const key = keyOf(created);
    if (key) {
      ctx.out('');
      ctx.out(`Key: ${key}`);
      ctx.out(ctx.style.yellow('This key is shown once. Store it now; only its hash is kept.'));
      ctx.out(ctx.style.dim(`Use it with: export BGAGENT_API_KEY=${key}   or   bgagent configure --api-key ${key}`));
    }
    return 0;
  },
};

export const apiKeyList: CommandSpec = {
  name: 'api-key list',
  summary: 'List your API keys (never the keys themselves).',
  options: {
    'include-revoked': { type: 'boolean', description: 'Also show revoked keys (hidden by default)' },
    limit: { type: 'string', value: '<n>', description: 'Keys per page' },
    'next-token': { type: 'string', value: '<token>', description: 'Continue from a previous page' },
    all: { type: 'boolean', description: 'Follow next_token through every page' },
  },
  examples: ['bgagent api-key list', 'bgagent api-key list --json'],
  async run(ctx, args) {
    const limit = intOpt(args, 'limit', { min: 1, max: 100 });
    const includeRevoked = flag(args, 'include-revoked');
    const client = ctx.client();
    const fetched = await collectPages(
      (next_token) => client.list('api-keys', { limit, next_token }),
      flag(args, 'all'),
      stringOpt(args, 'next-token'),
    );
    // The API lists revoked ones too (with their status); they are hidden unless asked for.
    const page = includeRevoked ? fetched : { ...fetched, data: fetched.data.filter((row) => rowStatus(row) !== 'revoked') };
    if (ctx.json) {
      ctx.printJson(page);
      return 0;
    }
    if (page.data.length === 0) ctx.out('No API keys. Create one with: bgagent api-key create <name>');
    else {
      const now = ctx.now();
      const rows = page.data.map((k) => [
        field(k, 'key_id', 'api_key_id', 'id'),
        field(k, 'name'),
        rowStatus(k),
        formatAge(field(k, 'created_at'), now),
        field(k, 'last_used_at') ? `${formatAge(field(k, 'last_used_at'), now)} ago` : '',
      ]);
      for (const line of table(['KEY ID', 'NAME', 'STATUS', 'AGE', 'LAST USED'], rows, ctx.style)) ctx.out(line);
    }
    printMoreHint(ctx, page, `${commandLine('bgagent api-key list', { limit })}${includeRevoked ? ' --include-revoked' : ''}`);
    return 0;
  },
};

export const apiKeyRevoke: CommandSpec = {
  name: 'api-key revoke',
  summary: 'Revoke an API key: requests with it are refused from now on.',
  args: [{ name: 'key_id', required: true, description: 'The key id (the part after bgak_ in the key)' }],
  examples: ['bgagent api-key revoke 01JKEY...'],
  async run(ctx, args) {
    const id = args.positionals[0]!;
    const result = await ctx.client().revoke('api-keys', id);
    if (ctx.json) ctx.printJson(result ?? { key_id: id, status: 'revoked' });
    else ctx.out(`API key ${ctx.style.bold(id)} revoked.`);
    return 0;
  },
};
