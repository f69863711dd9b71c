/** bgagent api-key create | list | revoke: /v1/api-keys. */
import { stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { field, formatAge } from '../render';
import { credentialId, credentialListOptions, listCredentials, revokeCredential, type CredentialResource } from './credentials';

const API_KEYS: CredentialResource = {
  group: 'api-key',
  collection: 'api-keys',
  label: 'API key',
  plural: 'API keys',
  idFields: ['key_id', 'api_key_id', 'id'],
  idHeader: 'KEY ID',
  extraColumns: [{ header: 'LAST USED', cell: (k, now) => (field(k, 'last_used_at') ? `${formatAge(field(k, 'last_used_at'), now)} ago` : '') }],
};

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
    const id = credentialId(API_KEYS, created);
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
  options: credentialListOptions('keys'),
  examples: ['bgagent api-key list', 'bgagent api-key list --json'],
  run: (ctx, args) => listCredentials(ctx, args, API_KEYS),
};

export const apiKeyRevoke: CommandSpec = {
  name: 'api-key revoke',
  summary: 'Revoke an API key: requests with it are refused from now on.',
  args: [{ name: 'key_id', required: true, description: 'The key id (the part after bgak_ in the key)' }],
  examples: ['bgagent api-key revoke 01JKEY...'],
  run: (ctx, args) => revokeCredential(ctx, args, API_KEYS),
};
