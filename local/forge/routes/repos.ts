/** Routes: the authenticated user, repositories (get, create), branches and comparisons. */
import { comparisonView, branchView } from '../git-views';
import { optionalString, requiredString } from '../http';
import type { ForgeUser } from '../model';
import { renderUser } from '../render-repo';
import { route, type RouteContext } from './router';

async function createRepository(ctx: RouteContext, owner: ForgeUser) {
  const body = await ctx.body();
  const name = requiredString(body, 'name', 'Repository');
  const repo = await ctx.forge.createRepository(owner, name, {
    description: optionalString(body, 'description', 'Repository') ?? null,
    private: body.private === true || body.visibility === 'private',
    autoInit: body.auto_init === true,
  });
  return { status: 201, body: ctx.forge.repository(repo) };
}

export const repoRoutes = [
  route('GET', '/user', (ctx) => ({ status: 200, body: renderUser(ctx.forge.site, ctx.user) })),
  route('POST', '/user/repos', (ctx) => createRepository(ctx, ctx.user)),
  route('POST', '/orgs/:org/repos', (ctx) => createRepository(ctx, { login: ctx.params.org!, type: 'Organization' })),
  route('GET', '/repos/:owner/:repo', (ctx) => ({ status: 200, body: ctx.forge.repository(ctx.forge.repo(ctx.params.owner!, ctx.params.repo!)) })),
  route('GET', '/repos/:owner/:repo/branches/:branch*', async (ctx) => ({
    status: 200,
    body: await branchView(ctx.forge, ctx.forge.repo(ctx.params.owner!, ctx.params.repo!), ctx.params.branch!),
  })),
  route('GET', '/repos/:owner/:repo/compare/:basehead*', async (ctx) => ({
    status: 200,
    body: await comparisonView(ctx.forge, ctx.forge.repo(ctx.params.owner!, ctx.params.repo!), ctx.params.basehead!),
  })),
];
