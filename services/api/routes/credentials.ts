/**
 * API keys and webhooks of the caller (docs/API.md "Webhooks", "Repositories and keys"). Secrets are in
 * the create responses only — never listed again. Another user's key or webhook answers 404.
 */
import type { CreateApiKeyRequest } from '../../../schemas/generated/api/CreateApiKeyRequest';
import type { CreateWebhookRequest } from '../../../schemas/generated/api/CreateWebhookRequest';
import { actorOf } from '../commands';
import type { CredentialItem } from '../deps';
import { jsonBody, type ApiResponse } from '../http';
import { knownParams, limitParam } from '../params';
import { idParam, type Route, type RouteContext } from '../router';
import { validateBody } from '../validation';

function item(kind: 'webhook' | 'api_key', c: CredentialItem) {
  return { [kind === 'webhook' ? 'webhook_id' : 'key_id']: c.id, name: c.name, created_at: c.createdAt, revoked_at: c.revokedAt, status: c.revokedAt ? 'revoked' : 'active' };
}

async function listing(ctx: RouteContext, kind: 'webhook' | 'api_key'): Promise<ApiResponse> {
  const { query } = ctx.request;
  knownParams(query, ['limit', 'next_token']);
  const limit = limitParam(query, { default: 20, max: 100 });
  const name = kind === 'webhook' ? 'webhooks' : 'api-keys';
  const cursor = query.next_token ? await ctx.deps.pageTokens.open(query.next_token, ctx.principal.userId, name) : undefined;
  const list = kind === 'webhook' ? ctx.deps.credentials.listWebhooks : ctx.deps.credentials.listApiKeys;
  const page = await list.call(ctx.deps.credentials, ctx.principal.userId, { limit, cursor });
  const nextToken = page.nextCursor ? await ctx.deps.pageTokens.seal(ctx.principal.userId, name, page.nextCursor) : null;
  return { status: 200, body: { data: page.items.map((c) => item(kind, c)), pagination: { next_token: nextToken, has_more: nextToken !== null } } };
}

async function createWebhook(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const body = validateBody<CreateWebhookRequest>('CreateWebhookRequest', jsonBody(ctx.request));
  const created = await ctx.deps.credentials.createWebhook({ userId: ctx.principal.userId, name: body.name }, actorOf(ctx));
  ctx.deps.logger.info('webhook created', { webhookId: created.webhookId, userId: ctx.principal.userId });
  return {
    status: 201,
    body: { data: { webhook_id: created.webhookId, name: created.name, secret: created.secret, created_at: created.createdAt, status: 'active', note: 'The secret is shown once: sign each request body with HMAC-SHA256 and send X-Webhook-Id and X-Webhook-Signature: sha256=<hex>.' } },
  };
}

async function revokeWebhook(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const webhookId = idParam(ctx, 'webhook_id', 'WEBHOOK_NOT_FOUND', 'Webhook');
  await ctx.deps.credentials.revokeWebhook({ userId: ctx.principal.userId, webhookId }, actorOf(ctx));
  return { status: 200, body: { data: { webhook_id: webhookId, status: 'revoked', revoked_at: ctx.deps.now().toISOString() } } };
}

async function createKey(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const raw = ctx.request.rawBody.length === 0 ? {} : jsonBody(ctx.request);
  const body = validateBody<CreateApiKeyRequest>('CreateApiKeyRequest', raw);
  const created = await ctx.deps.credentials.createApiKey({ userId: ctx.principal.userId, name: body.name ?? 'api key' }, actorOf(ctx));
  ctx.deps.logger.info('api key created', { keyId: created.keyId, userId: ctx.principal.userId });
  return { status: 201, body: { data: { key_id: created.keyId, name: created.name, api_key: created.key, created_at: created.createdAt, status: 'active', note: 'The key is shown once: keep it in a secret store. Send it as X-API-Key.' } } };
}

async function revokeKey(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const keyId = idParam(ctx, 'key_id', 'API_KEY_NOT_FOUND', 'API key');
  await ctx.deps.credentials.revokeApiKey({ userId: ctx.principal.userId, keyId }, actorOf(ctx));
  return { status: 200, body: { data: { key_id: keyId, status: 'revoked', revoked_at: ctx.deps.now().toISOString() } } };
}

export const CREDENTIAL_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/webhooks', auth: 'user', summary: 'Create a webhook (its secret is shown once)', handle: createWebhook },
  { method: 'GET', path: '/v1/webhooks', auth: 'user', summary: 'List your webhooks', handle: (ctx) => listing(ctx, 'webhook') },
  { method: 'DELETE', path: '/v1/webhooks/{webhook_id}', auth: 'user', summary: 'Revoke a webhook', handle: revokeWebhook },
  { method: 'POST', path: '/v1/api-keys', auth: 'user', summary: 'Create an API key (shown once)', handle: createKey },
  { method: 'GET', path: '/v1/api-keys', auth: 'user', summary: 'List your API keys', handle: (ctx) => listing(ctx, 'api_key') },
  { method: 'DELETE', path: '/v1/api-keys/{key_id}', auth: 'user', summary: 'Revoke an API key', handle: revokeKey },
];
