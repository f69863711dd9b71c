/** Lists: one page (with a hint to get the next one), or every page with --all. */
import type { Context } from './command';
import type { Page } from './types';

/** One page from `nextToken`, or with `all` every page after it, concatenated. */
export async function collectPages<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>, all: boolean, nextToken?: string): Promise<Page<T>> {
  let page = await fetchPage(nextToken);
  if (!all) return page;
  const data = [...page.data];
  const seenTokens = new Set<string>();
  while (page.pagination?.has_more && page.pagination.next_token && !seenTokens.has(page.pagination.next_token)) {
    seenTokens.add(page.pagination.next_token);
    page = await fetchPage(page.pagination.next_token);
    data.push(...page.data);
  }
  return { data, pagination: { next_token: null, has_more: false } };
}

/** `More: bgagent list --status RUNNING --next-token <t>   (or --all)` after a page that has more. */
export function printMoreHint(ctx: Context, page: Page<unknown>, command: string): void {
  if (!page.pagination?.has_more || !page.pagination.next_token) return;
  ctx.out('');
  ctx.out(ctx.style.dim(`More results: ${command} --next-token ${shellQuote(page.pagination.next_token)}   (or add --all)`));
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9._\/:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line again, with the options that shape the list (for the next-page hint). */
export function commandLine(base: string, options: Record<string, string | number | undefined>): string {
  const parts = [base];
  for (const [name, value] of Object.entries(options)) if (value !== undefined) parts.push(`--${name}`, shellQuote(String(value)));
  return parts.join(' ');
}
