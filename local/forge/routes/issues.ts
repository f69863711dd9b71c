/** Routes: issues (list, create, get, update) and their comments (list, create). */
import { notFound, optionalString, paginate, requiredString, validationFailed } from '../http';
import type { IssueRecord } from '../model';
import { renderComment, renderIssue } from '../render-issue';
import { route, type RouteContext } from './router';

/** Filters `state` (open by default, closed, all) and orders by `sort` (created, updated) and `direction` (desc by default). */
export function filterAndSort<T extends IssueRecord>(url: URL, items: readonly T[]): T[] {
  const state = url.searchParams.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) throw validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }]);
  const key = url.searchParams.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
  const sign = url.searchParams.get('direction') === 'asc' ? 1 : -1;
  return items
    .filter((i) => state === 'all' || i.state === state)
    .sort((a, b) => sign * (a[key].localeCompare(b[key]) || a.number - b.number));
}

export function issueNumber(ctx: RouteContext): number {
  const n = Number(ctx.params.number);
  if (!Number.isSafeInteger(n) || n <= 0) throw notFound();
  return n;
}

const target = (ctx: RouteContext) => {
  const repo = ctx.forge.repo(ctx.params.owner!, ctx.params.repo!);
  return { repo, issue: ctx.forge.issue(repo, issueNumber(ctx)) };
};

export const issueRoutes = [
  route('GET', '/repos/:owner/:repo/issues', (ctx) => {
    const repo = ctx.forge.repo(ctx.params.owner!, ctx.params.repo!);
    const { page, headers } = paginate(ctx.url, filterAndSort(ctx.url, repo.issues));
    return { status: 200, body: page.map((i) => renderIssue(ctx.forge, repo, i)), headers };
  }),
  route('POST', '/repos/:owner/:repo/issues', async (ctx) => {
    const repo = ctx.forge.repo(ctx.params.owner!, ctx.params.repo!);
    const body = await ctx.body();
    const issue = ctx.forge.createIssue(repo, { title: requiredString(body, 'title', 'Issue'), body: optionalString(body, 'body', 'Issue') ?? null, user: ctx.user.login });
    return { status: 201, body: renderIssue(ctx.forge, repo, issue) };
  }),
  route('GET', '/repos/:owner/:repo/issues/:number', (ctx) => {
    const { repo, issue } = target(ctx);
    return { status: 200, body: renderIssue(ctx.forge, repo, issue) };
  }),
  route('PATCH', '/repos/:owner/:repo/issues/:number', async (ctx) => {
    const { repo, issue } = target(ctx);
    const body = await ctx.body();
    ctx.forge.updateIssue(issue, { title: optionalString(body, 'title', 'Issue'), body: 'body' in body ? (optionalString(body, 'body', 'Issue') ?? null) : undefined, state: optionalString(body, 'state', 'Issue') });
    return { status: 200, body: renderIssue(ctx.forge, repo, issue) };
  }),
  route('GET', '/repos/:owner/:repo/issues/:number/comments', (ctx) => {
    const { repo, issue } = target(ctx);
    const { page, headers } = paginate(ctx.url, ctx.forge.comments(repo, issue));
    return { status: 200, body: page.map((c) => renderComment(ctx.forge, repo, c)), headers };
  }),
  route('POST', '/repos/:owner/:repo/issues/:number/comments', async (ctx) => {
    const { repo, issue } = target(ctx);
    const body = await ctx.body();
    const comment = ctx.forge.addComment(repo, issue, { body: requiredString(body, 'body', 'IssueComment'), user: ctx.user.login });
    return { status: 201, body: renderComment(ctx.forge, repo, comment) };
  }),
];
