/**
 * The task endpoints of docs/API.md: create, list, get, cancel, events, replay, nudge and live progress.
 * A user reaches only their own tasks: another user's task answers 404 TASK_NOT_FOUND, exactly as
 * a task that does not exist, so task ids cannot be probed. Reads of one task fold its stream
 * (read-your-writes); lists come from the task view.
 */
import { ulid } from 'ulid';
import type { CreateTaskRequest } from '../../../schemas/generated/api/CreateTaskRequest';
import type { NudgeRequest } from '../../../schemas/generated/api/NudgeRequest';
import { handleCommand } from '../../kernel/command-handler';
import type { EventEnvelope } from '../../kernel/envelope';
import { taskStream } from '../../streams';
import { submitTask } from '../../tasks/task/submit-task';
import { taskDecider } from '../../tasks/task/task-decider';
import { TASK_STATUSES, type TaskStatus } from '../../tasks/task/task-state';
import type { TaskView } from '../../../projections/task-view/task-view';
import { commandContext, actorOf } from '../commands';
import { ApiError } from '../errors';
import { jsonBody, type ApiResponse } from '../http';
import { idempotencyKeyOf, taskIdForKey } from '../idempotency';
import { booleanParam, knownParams, limitParam } from '../params';
import { idParam, type Route, type RouteContext } from '../router';
import { foldTaskView, taskDetail } from '../task-detail';
import { allProgress, mergeEvents } from '../task-events';
import { validateBody } from '../validation';

const REPO = /^(?!\.+\/)[a-zA-Z0-9._-]+\/(?!\.+$)[a-zA-Z0-9._-]+$/;

interface OwnTask {
  readonly events: readonly EventEnvelope[];
  readonly view: TaskView;
}

/** The caller's task, or 404 (missing, or another user's: the same answer). */
async function loadOwnTask(ctx: RouteContext): Promise<OwnTask> {
  const taskId = idParam(ctx, 'task_id', 'TASK_NOT_FOUND', 'Task');
  const events = await ctx.deps.store.readStream(taskStream(taskId));
  const view = foldTaskView(events);
  if (!view || view.userId !== ctx.principal.userId) throw new ApiError('TASK_NOT_FOUND', `Task ${JSON.stringify(taskId)} was not found.`);
  return { events, view };
}

/** Creates a task for `userId` from a CreateTaskRequest; shared by POST /v1/tasks and the webhooks. */
export async function createTask(
  ctx: RouteContext,
  input: { readonly userId: string; readonly body: CreateTaskRequest; readonly channelSource: 'api' | 'webhook'; readonly idempotencyKey?: string; readonly actor: string },
): Promise<ApiResponse> {
  const { body, userId, idempotencyKey } = input;
  const taskId = idempotencyKey === undefined ? ulid(ctx.deps.now().getTime()) : taskIdForKey(idempotencyKey);
  const { status } = await submitTask(
    ctx.deps.store,
    {
      taskId,
      userId,
      repo: body.repo,
      taskDescription: body.task_description ?? null,
      issueNumber: body.issue_number ?? null,
      ...(body.max_turns !== undefined ? { maxTurns: body.max_turns } : {}),
      ...(body.max_budget_usd !== undefined ? { maxBudgetUsd: body.max_budget_usd } : {}),
      ...(body.model_id !== undefined ? { modelId: body.model_id } : {}),
      channelSource: input.channelSource,
      idempotencyKey: idempotencyKey ?? null,
    },
    { causationId: ctx.request.requestId, actor: input.actor, now: ctx.deps.now() },
  );
  const view = foldTaskView(await ctx.deps.store.readStream(taskStream(taskId)));
  if (!view) throw new Error(`task ${taskId} was submitted but its stream is empty`);
  if (status === 'appended') {
    ctx.deps.logger.info('task created', { taskId, correlationId: taskId, userId, repo: body.repo, channelSource: input.channelSource });
    return { status: 201, body: { data: taskDetail(view) }, headers: { Location: `/v1/tasks/${taskId}` } };
  }
  // The stream existed: the key was used before.
  if (view.userId !== userId) throw new ApiError('DUPLICATE_TASK', 'This Idempotency-Key was already used for another task; use a new key for a new task.');
  return { status: 200, body: { data: taskDetail(view) }, headers: { 'Idempotent-Replay': 'true', Location: `/v1/tasks/${taskId}` } };
}

async function create(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const body = validateBody<CreateTaskRequest>('CreateTaskRequest', jsonBody(ctx.request));
  return createTask(ctx, { userId: ctx.principal.userId, body, channelSource: 'api', idempotencyKey: idempotencyKeyOf(ctx.request.headers), actor: actorOf(ctx) });
}

function statusesOf(raw: string | undefined): TaskStatus[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const list = [...new Set(raw.split(',').map((s) => s.trim().toUpperCase()))];
  const bad = list.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
  if (bad.length > 0) throw new ApiError('VALIDATION_ERROR', `status must be a comma-separated list of ${TASK_STATUSES.join(', ')} (unknown: ${bad.slice(0, 3).map((b) => JSON.stringify(b.slice(0, 30))).join(', ')}).`);
  return list as TaskStatus[];
}

async function list(ctx: RouteContext): Promise<ApiResponse> {
  const { query } = ctx.request;
  knownParams(query, ['status', 'repo', 'limit', 'next_token']);
  const statuses = statusesOf(query.status);
  const repo = query.repo === undefined || query.repo === '' ? undefined : query.repo;
  if (repo !== undefined && !REPO.test(repo)) throw new ApiError('VALIDATION_ERROR', 'repo must be owner/name.');
  const limit = limitParam(query, { default: 20, max: 100 });
  const listing = `tasks?status=${statuses?.sort().join(',') ?? ''}&repo=${repo ?? ''}`;
  const cursor = query.next_token ? await ctx.deps.pageTokens.open(query.next_token, ctx.principal.userId, listing) : undefined;
  const page = await ctx.deps.taskViews.listByUser(ctx.principal.userId, { statuses, repo, limit, cursor });
  const nextToken = page.nextCursor ? await ctx.deps.pageTokens.seal(ctx.principal.userId, listing, page.nextCursor) : null;
  return { status: 200, body: { data: page.items.map(taskDetail), pagination: { next_token: nextToken, has_more: nextToken !== null } } };
}

async function get(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const { view } = await loadOwnTask(ctx);
  return { status: 200, body: { data: taskDetail(view) } };
}

async function cancel(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const { view } = await loadOwnTask(ctx);
  const context = commandContext(ctx, view.taskId);
  await handleCommand(ctx.deps.store, taskDecider, taskStream(view.taskId), { type: 'RequestCancellation', requestedBy: actorOf(ctx), reason: null }, context);
  const stream = await ctx.deps.store.readStream(taskStream(view.taskId));
  const after = foldTaskView(stream)!;
  const requested = stream.find((e) => e.type === 'TaskCancellationRequested' || e.type === 'TaskCancelled');
  return {
    status: 200,
    body: {
      data: {
        task_id: view.taskId,
        status: 'CANCELLED',
        cancelled_at: requested?.occurredAt ?? context.now.toISOString(),
        // A running agent is stopped first (its work is saved); until then the task shows RUNNING.
        cancellation_state: after.status === 'CANCELLED' ? 'completed' : 'stopping',
      },
    },
  };
}

async function events(ctx: RouteContext): Promise<ApiResponse> {
  const { query } = ctx.request;
  knownParams(query, ['limit', 'next_token', 'after', 'desc']);
  const limit = limitParam(query, { default: 50, max: 100 });
  const desc = booleanParam(query, 'desc');
  const { view, events: lifecycle } = await loadOwnTask(ctx);
  let all = mergeEvents(lifecycle, await allProgress(ctx.deps.progressEvents, view.taskId));
  if (query.after !== undefined) {
    const at = all.findIndex((e) => e.event_id === query.after);
    if (at < 0) throw new ApiError('VALIDATION_ERROR', `after=${JSON.stringify(query.after.slice(0, 80))} names no event of this task; pass the event_id of an event you received.`);
    all = all.slice(at + 1);
  }
  if (desc) all.reverse();
  const listing = `events:${view.taskId}?after=${query.after ?? ''}&desc=${desc}`;
  const offset = query.next_token ? Number(await ctx.deps.pageTokens.open(query.next_token, ctx.principal.userId, listing)) : 0;
  const page = all.slice(offset, offset + limit);
  const more = offset + limit < all.length;
  const nextToken = more ? await ctx.deps.pageTokens.seal(ctx.principal.userId, listing, String(offset + limit)) : null;
  return { status: 200, body: { data: page, pagination: { next_token: nextToken, has_more: more } } };
}

async function replay(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const { view, events: lifecycle } = await loadOwnTask(ctx);
  return {
    status: 200,
    body: {
      data: {
        task_id: view.taskId,
        prompt_version: view.promptVersion,
        events: mergeEvents(lifecycle, await allProgress(ctx.deps.progressEvents, view.taskId)),
        verification: { build_passed: view.buildPassed, lint_passed: view.lintPassed },
        session_id: view.sessionId,
        cost_usd: view.costUsd,
        collected_at: null,
      },
    },
  };
}

async function nudge(ctx: RouteContext): Promise<ApiResponse> {
  knownParams(ctx.request.query, []);
  const body = validateBody<NudgeRequest>('NudgeRequest', jsonBody(ctx.request));
  const { view } = await loadOwnTask(ctx);
  // A client may send Idempotency-Key so that a retried nudge is delivered once.
  const nudgeId = idempotencyKeyOf(ctx.request.headers) ?? ulid(ctx.deps.now().getTime());
  await handleCommand(ctx.deps.store, taskDecider, taskStream(view.taskId), { type: 'Nudge', nudgeId, message: body.message, nudgedBy: actorOf(ctx) }, commandContext(ctx, view.taskId));
  return { status: 202, body: { data: { task_id: view.taskId, nudge_id: nudgeId, status: 'accepted' } } };
}

async function progress(ctx: RouteContext): Promise<ApiResponse> {
  const { query } = ctx.request;
  knownParams(query, ['after', 'limit']);
  const limit = limitParam(query, { default: 100, max: 1000 });
  if (query.after !== undefined && !/^\d{1,12}$/.test(query.after)) throw new ApiError('VALIDATION_ERROR', 'after must be the cursor of a previous progress response (a number).');
  const after = query.after === undefined ? 0 : Number(query.after);
  const { view } = await loadOwnTask(ctx);
  const [live, page] = await Promise.all([ctx.deps.progressViews.get(view.taskId), ctx.deps.progressEvents.listProgress(view.taskId, { after, limit })]);
  const last = page.items.at(-1)?.seq ?? after;
  return {
    status: 200,
    body: {
      data: {
        task_id: view.taskId,
        status: view.status,
        session_id: live?.sessionId ?? view.sessionId,
        turns: live?.turns ?? 0,
        cost_usd: live?.costUsd ?? 0,
        last_heartbeat_at: live?.lastHeartbeatAt ?? null,
        last_seen_at: live?.lastSeenAt || null,
        events: page.items.map((p) => ({ seq: p.seq, timestamp: p.at, kind: p.event.kind, event: p.event })),
        cursor: String(last),
      },
      pagination: { next_token: page.nextAfter === undefined ? null : String(last), has_more: page.nextAfter !== undefined },
    },
  };
}

export const TASK_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/tasks', auth: 'user', summary: 'Create a task (Idempotency-Key supported)', handle: create },
  { method: 'GET', path: '/v1/tasks', auth: 'user', summary: 'List your tasks, newest first', handle: list },
  { method: 'GET', path: '/v1/tasks/{task_id}', auth: 'user', summary: 'Get a task', handle: get },
  { method: 'DELETE', path: '/v1/tasks/{task_id}', auth: 'user', summary: 'Cancel a task', handle: cancel },
  { method: 'GET', path: '/v1/tasks/{task_id}/events', auth: 'user', summary: "A task's lifecycle and progress events, oldest first", handle: events },
  { method: 'GET', path: '/v1/tasks/{task_id}/replay', auth: 'user', summary: 'The replay bundle of a task', handle: replay },
  { method: 'POST', path: '/v1/tasks/{task_id}/nudge', auth: 'user', summary: 'Send a message to the running agent', handle: nudge },
  { method: 'GET', path: '/v1/tasks/{task_id}/progress', auth: 'user', summary: "The agent's live progress after a cursor", handle: progress },
];
