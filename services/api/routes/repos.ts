/**
 * Repositories: GET /v1/repos lists the onboarded ones with their configuration (every user may
 * see where tasks can go); POST /v1/repos onboards one or applies a new configuration
 * declaratively (administrators only — in the cloud the Blueprint construct does this). `config`
 * is the RepoConfig document as the schema spells it (camelCase, as in the Blueprint), any field
 * omitted takes its default.
 */
import type { OnboardRepoRequest } from '../../../schemas/generated/api/OnboardRepoRequest';
import type { RepoConfigInput } from '../../repos/repo/repo-config';
import type { RepoState } from '../../repos/repo/repo-decider';
import { onboardRepo } from '../../repos/repo/onboard-repo';
import { loadAggregate } from '../../kernel/load-aggregate';
import { repoDecider } from '../../repos/repo/repo-decider';
import { repoStream } from '../../streams';
import { actorOf } from '../commands';
import { jsonBody, type ApiResponse } from '../http';
import { knownParams } from '../params';
import type { Route, RouteContext } from '../router';
import { validateBody } from '../validation';

function repoItem(state: RepoState) {
  return { repo: state.repo, status: state.status, onboarded_at: state.onboardedAt, updated_at: state.updatedAt, config: state.config };
}

async function list(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const repos: RepoState[] = [];
  for await (const ref of ctx.deps.store.listStreams('Repo')) {
    const state = await loadAggregate(ctx.deps.store, repoStream(ref.id), repoDecider);
    if (state.status === 'ONBOARDED') repos.push(state);
  }
  repos.sort((a, b) => (a.repo ?? '').localeCompare(b.repo ?? ''));
  return { status: 200, body: { data: repos.map(repoItem), pagination: { next_token: null, has_more: false } } };
}

async function onboard(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const body = validateBody<OnboardRepoRequest>('OnboardRepoRequest', jsonBody(ctx.request));
  const result = await onboardRepo(ctx.deps.store, body.repo, (body.config ?? {}) as RepoConfigInput, { causationId: ctx.request.requestId, actor: actorOf(ctx), now: ctx.deps.now() });
  const state = await loadAggregate(ctx.deps.store, repoStream(body.repo), repoDecider);
  ctx.deps.logger.info('repository onboarded', { repo: body.repo, changed: result.status === 'appended', userId: ctx.principal.userId });
  return { status: result.status === 'appended' ? 201 : 200, body: { data: repoItem(state) } };
}

export const REPO_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/v1/repos', auth: 'user', summary: 'List onboarded repositories and their configuration', handle: list },
  { method: 'POST', path: '/v1/repos', auth: 'admin', summary: 'Onboard a repository or apply its configuration (administrators)', handle: onboard },
];
