/**
 * What `bgagent api-key` and `bgagent webhook` share: listing (revoked ones hidden unless asked
 * for, paging, a table) and revoking a credential, for the resource each describes.
 */
import { flag, intOpt, stringOpt, type OptionSpec, type ParsedArgs } from '../args';
import type { Context } from '../command';
import { collectPages, commandLine, printMoreHint } from '../paging';
import { field, formatAge, rowStatus, table } from '../render';
import type { Row } from '../types';

/** A column of the list beyond ID, NAME, STATUS and AGE. */
interface CredentialColumn {
  readonly header: string;
  cell(row: Row, now: number): string;
}

export interface CredentialResource {
  /** The command group: `bgagent <group> list`. */
  readonly group: 'api-key' | 'webhook';
  /** The API collection: /v1/<collection>. */
  readonly collection: 'api-keys' | 'webhooks';
  /** One of them at the start of a sentence (`API key`, `Webhook`) and several (`API keys`, `webhooks`). */
  readonly label: string;
  readonly plural: string;
  /** The id's field (what the revoke answer falls back to), then the other names an answer may use. */
  readonly idFields: readonly [string, ...string[]];
  /** Header of the id column of the list. */
  readonly idHeader: string;
  readonly extraColumns?: readonly CredentialColumn[];
}

/** The id of a row of the resource. */
export function credentialId(resource: CredentialResource, row: Row): string {
  return field(row, ...resource.idFields);
}

/** The options of `<group> list`; `noun` is how the descriptions name several (`keys`, `webhooks`). */
export function credentialListOptions(noun: string): Record<string, OptionSpec> {
  return {
    'include-revoked': { type: 'boolean', description: `Also show revoked ${noun} (hidden by default)` },
    limit: { type: 'string', value: '<n>', description: `${noun.charAt(0).toUpperCase()}${noun.slice(1)} per page` },
    'next-token': { type: 'string', value: '<token>', description: 'Continue from a previous page' },
    all: { type: 'boolean', description: 'Follow next_token through every page' },
  };
}

export async function listCredentials(ctx: Context, args: ParsedArgs, resource: CredentialResource): Promise<number> {
  const limit = intOpt(args, 'limit', { min: 1, max: 100 });
  const includeRevoked = flag(args, 'include-revoked');
  const client = ctx.client();
  const fetched = await collectPages(
    (next_token) => client.list(resource.collection, { limit, next_token }),
    flag(args, 'all'),
    stringOpt(args, 'next-token'),
  );
  // The API lists revoked ones too (with their status); they are hidden unless asked for.
  const page = includeRevoked ? fetched : { ...fetched, data: fetched.data.filter((row) => rowStatus(row) !== 'revoked') };
  if (ctx.json) {
    ctx.printJson(page);
    return 0;
  }
  if (page.data.length === 0) ctx.out(`No ${resource.plural}. Create one with: bgagent ${resource.group} create <name>`);
  else {
    const now = ctx.now();
    const extra = resource.extraColumns ?? [];
    const rows = page.data.map((r) => [
      credentialId(resource, r),
      field(r, 'name'),
      rowStatus(r),
      formatAge(field(r, 'created_at'), now),
      ...extra.map((c) => c.cell(r, now)),
    ]);
    const headers = [resource.idHeader, 'NAME', 'STATUS', 'AGE', ...extra.map((c) => c.header)];
    for (const line of table(headers, rows, ctx.style)) ctx.out(line);
  }
  printMoreHint(ctx, page, `${commandLine(`bgagent ${resource.group} list`, { limit })}${includeRevoked ? ' --include-revoked' : ''}`);
  return 0;
}

export async function revokeCredential(ctx: Context, args: ParsedArgs, resource: CredentialResource): Promise<number> {
  const id = args.positionals[0]!;
  const result = await ctx.client().revoke(resource.collection, id);
  if (ctx.json) ctx.printJson(result ?? { [resource.idFields[0]]: id, status: 'revoked' });
  else ctx.out(`${resource.label} ${ctx.style.bold(id)} revoked.`);
  return 0;
}
