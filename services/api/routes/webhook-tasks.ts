/**
 * POST /v1/webhooks/tasks: an external system creates a task, signed with its webhook's secret
 * (`X-Webhook-Id`, `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, compared in
 * constant time). Unknown or revoked webhook → 403 FORBIDDEN; bad signature → 401 UNAUTHORIZED.
 * The task belongs to the webhook's owner, channel_source `webhook`. The signature is checked
 * before the body is even parsed, so an unsigned request learns nothing about validation.
 */
import type { CreateTaskRequest } from '../../../schemas/generated/api/CreateTaskRequest';
import { ApiError } from '../errors';
import { jsonBody, type ApiResponse } from '../http';
import { idempotencyKeyOf } from '../idempotency';
import { knownParams } from '../params';
import type { Route, RouteContext } from '../router';
import { validateBody } from '../validation';
import { createTask } from './tasks';

async function webhookTask(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const webhookId = ctx.request.headers['x-webhook-id'];
  const signature = ctx.request.headers['x-webhook-signature'];
  if (!webhookId || !signature) throw new ApiError('UNAUTHORIZED', 'Send X-Webhook-Id and X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body with the webhook secret>.');
  const verified = await ctx.deps.credentials.verifyWebhookRequest({ webhookId, signatureHeader: signature, rawBody: ctx.request.rawBody });
  if (!verified.ok) {
    ctx.deps.logger.warn('webhook request refused', { webhookId: webhookId.slice(0, 64), reason: verified.reason });
    if (verified.reason === 'unknown_webhook' || verified.reason === 'revoked') throw new ApiError('FORBIDDEN', 'This webhook does not exist or was revoked.');
    throw new ApiError('UNAUTHORIZED', 'The signature does not match the body: sign the exact raw body with HMAC-SHA256 and the webhook secret, as sha256=<hex>.');
  }
  await ctx.deps.rateLimiter.take(verified.userId, ctx.deps.now());
  const body = validateBody<CreateTaskRequest>('CreateTaskRequest', jsonBody(ctx.request));
  return createTask(ctx, { userId: verified.userId, body, channelSource: 'webhook', idempotencyKey: idempotencyKeyOf(ctx.request.headers), actor: `webhook:${verified.webhookId}` });
}

export const WEBHOOK_TASK_ROUTES: readonly Route[] = [{ method: 'POST', path: '/v1/webhooks/tasks', auth: 'none', summary: 'Create a task from a signed webhook request', handle: webhookTask }];
