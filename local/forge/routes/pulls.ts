/** Routes: pull requests (list with head/base/state filters, create, get, update). */
import { branchSha } from '../git';
import { notFound, optionalString, paginate, requiredString, validationFailed } from '../http';
import { createPull, headBranch, pullStats, refreshPulls, updatePull } from '../pulls';
import { renderPull } from '../render-issue';
import { filterAndSort, issueNumber } from './issues';
import { route, type RouteContext } from './router';

const target = async (ctx: RouteContext) => {
  const repo = ctx.forge.repo(ctx.params.owner!, ctx.params.repo!);
  const issue = repo.issues.find((i) => i.number === issueNumber(ctx) && i.pull);
  if (!issue) throw notFound('https://docs.github.com/rest/pulls/pulls#get-a-pull-request');
  await refreshPulls(ctx.forge, repo, [issue]);
  return { repo, issue };
};

export const pullRoutes = [
  route('GET', '/repos/:owner/:repo/pulls', async (ctx) => {
    const repo = ctx.forge.repo(ctx.params.owner!, ctx.params.repo!);
    const head = ctx.url.searchParams.get('head');
    const headRef = head === null ? null : headBranch(repo, head);
    const base = ctx.url.searchParams.get('base');
    const pulls = repo.issues.filter((i) => i.pull && (head === null || i.pull.head.ref === headRef) && (base === null || i.pull.base.ref === base));
    const { page, headers } = paginate(ctx.url, filterAndSort(ctx.url, pulls));
    await refreshPulls(ctx.forge, repo, page);
    return { status: 200, body: page.map((p) => renderPull(ctx.forge, repo, p)), headers };
  }),
  route('POST', '/repos/:owner/:repo/pulls', async (ctx) => {
    const repo = ctx.forge.repo(ctx.params.owner!, ctx.params.repo!);
    const body = await ctx.body();
    const pull = await createPull(ctx.forge, repo, {
      head: requiredString(body, 'head', 'PullRequest'),
      base: requiredString(body, 'base', 'PullRequest'),
      title: requiredString(body, 'title', 'PullRequest'),
      body: optionalString(body, 'body', 'PullRequest') ?? null,
      draft: body.draft === true,
      user: ctx.user.login,
    });
    return { status: 201, body: renderPull(ctx.forge, repo, pull, await pullStats(ctx.forge, repo, pull)) };
  }),
  route('GET', '/repos/:owner/:repo/pulls/:number', async (ctx) => {
    const { repo, issue } = await target(ctx);
    return { status: 200, body: renderPull(ctx.forge, repo, issue, await pullStats(ctx.forge, repo, issue)) };
  }),
  route('PATCH', '/repos/:owner/:repo/pulls/:number', async (ctx) => {
    const { repo, issue } = await target(ctx);
    const body = await ctx.body();
    const base = optionalString(body, 'base', 'PullRequest');
    if (base !== undefined && !(await branchSha(ctx.forge.gitDir(repo), base))) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    updatePull(ctx.forge, issue, {
      title: optionalString(body, 'title', 'PullRequest'),
      body: 'body' in body ? (optionalString(body, 'body', 'PullRequest') ?? null) : undefined,
      state: optionalString(body, 'state', 'PullRequest'),
      base,
    });
    await refreshPulls(ctx.forge, repo, [issue]);
    return { status: 200, body: renderPull(ctx.forge, repo, issue, await pullStats(ctx.forge, repo, issue)) };
  }),
];
