/**
 * POST /v1/github/events: GitHub App or repository webhooks. The delivery must be signed
 * (`X-Hub-Signature-256`) with the platform's GitHub webhook secret, read when used (in AWS a
 * rotated secret is picked up after its cache's max age, or at once by the first delivery signed
 * with it: a mismatch reads the secret again, at most every 30 s); a labelled issue or an
 * `@bgagent` comment on an onboarded repository creates a task (github/github-trigger.ts) for
 * the GitHub user `github:<login>`, channel_source `webhook`. A redelivered delivery
 * (`X-GitHub-Delivery`) finds its task instead of creating another: the delivery id is the
 * task's idempotency key. Ignored deliveries answer 202 with the reason.
 */
import { signatureMatches } from '../../kernel/hmac-signature';
import { loadAggregate } from '../../kernel/load-aggregate';
import { repoDecider } from '../../repos/repo/repo-decider';
import { repoStream } from '../../streams';
import { ApiError } from '../errors';
import { jsonBody, type ApiResponse } from '../http';
import { knownParams } from '../params';
import type { Route, RouteContext } from '../router';
import { githubTrigger } from '../github/github-trigger';
import { createTask } from './tasks';

const DELIVERY = /^[A-Za-z0-9-]{1,100}$/;

async function triggerLabelOf(ctx: RouteContext, repo: unknown): Promise<string | null> {
  if (typeof repo !== 'string' || !/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(repo)) return null;
  const state = await loadAggregate(ctx.deps.store, repoStream(repo), repoDecider);
  return state.status === 'ONBOARDED' && state.config ? state.config.triggerLabel : null;
}

async function githubEvent(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const secret = ctx.deps.githubWebhookSecret;
  if (!secret) throw new ApiError('FORBIDDEN', 'GitHub events are not configured on this platform (no GitHub webhook secret).');
  const signature = ctx.request.headers['x-hub-signature-256'];
  // A signature that does not match may be GitHub's under a secret rotated since it was cached: read it again (rate-limited) once.
  const matches = signatureMatches(await secret.read(), ctx.request.rawBody, signature) || (signature !== undefined && signatureMatches(await secret.reread(), ctx.request.rawBody, signature));
  if (!matches) {
    throw new ApiError('UNAUTHORIZED', 'X-Hub-Signature-256 does not match the body and the configured GitHub webhook secret.');
  }
  const eventName = ctx.request.headers['x-github-event'] ?? '';
  const delivery = ctx.request.headers['x-github-delivery'] ?? '';
  if (!DELIVERY.test(delivery)) throw new ApiError('VALIDATION_ERROR', 'X-GitHub-Delivery is missing or malformed.');
  const payload = jsonBody(ctx.request);
  const repo = (payload.repository as { full_name?: unknown } | undefined)?.full_name;
  const trigger = githubTrigger(eventName, payload, await triggerLabelOf(ctx, repo));
  ctx.deps.logger.info('github delivery', { delivery, eventName, result: trigger.kind, ...(trigger.kind === 'ignored' ? { reason: trigger.reason } : {}) });
  if (trigger.kind === 'ping') return { status: 200, body: { data: { status: 'pong' } } };
  if (trigger.kind === 'ignored') return { status: 202, body: { data: { status: 'ignored', reason: trigger.reason } } };
  return createTask(ctx, {
    userId: `github:${trigger.sender}`,
    body: { repo: trigger.repo, issue_number: trigger.issueNumber, ...(trigger.instruction ? { task_description: trigger.instruction } : {}) },
    channelSource: 'webhook',
    idempotencyKey: `github-${delivery}`,
    actor: `github:${trigger.sender}`,
  });
}

export const GITHUB_ROUTES: readonly Route[] = [{ method: 'POST', path: '/v1/github/events', auth: 'none', summary: 'GitHub webhook deliveries (X-Hub-Signature-256)', handle: githubEvent }];
