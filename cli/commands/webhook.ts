/** bgagent webhook create | list | revoke: /v1/webhooks. */
import { stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { field } from '../render';
import { credentialId, credentialListOptions, listCredentials, revokeCredential, type CredentialResource } from './credentials';

const WEBHOOKS: CredentialResource = {
  group: 'webhook',
  collection: 'webhooks',
  label: 'Webhook',
  plural: 'webhooks',
  idFields: ['webhook_id', 'id'],
  idHeader: 'WEBHOOK ID',
};

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
    const id = credentialId(WEBHOOKS, hook);
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
  options: credentialListOptions('webhooks'),
  examples: ['bgagent webhook list', 'bgagent webhook list --include-revoked --json'],
  run: (ctx, args) => listCredentials(ctx, args, WEBHOOKS),
};

export const webhookRevoke: CommandSpec = {
  name: 'webhook revoke',
  summary: 'Revoke a webhook: requests signed with its secret are refused from now on.',
  args: [{ name: 'webhook_id', required: true, description: 'The webhook' }],
  examples: ['bgagent webhook revoke 01JWEBHOOK...'],
  run: (ctx, args) => revokeCredential(ctx, args, WEBHOOKS),
};
