/**
 * A small in-memory implementation of the REST contract (docs/API.md) on a real node:http
 * server, for the CLI's tests. It checks what the contract asks of a client — the auth header, the
 * JSON bodies (snake_case fields, no unknown ones), the query parameters, the Idempotency-Key — and
 * answers with the contract's envelopes, status codes, error codes and an X-Request-Id on every
 * response. Every request is recorded for assertions.
 *
 * Tasks can be scripted: each GET /v1/tasks/{id} applies the next step (status, fields, new events),
 * so a poll loop sees a task progress and end.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monotonicFactory } from 'ulid';
import { isTerminal, TASK_STATUSES, type TaskDetail, type TaskEvent } from '../types';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
  readonly userId: string | undefined;
  /** The X-Request-Id (and error request_id) of the answer. */
  readonly requestId: string;
}

export interface ScriptStep {
  readonly status?: string;
  readonly set?: Partial<Record<keyof TaskDetail, unknown>>;
  readonly events?: ReadonlyArray<{ readonly event_type: string; readonly metadata?: Record<string, unknown> }>;
  /** Events that arrive late: inserted before the last event already listed (as a progress event
   * with an earlier timestamp than the latest lifecycle event would be). */
  readonly lateEvents?: ReadonlyArray<{ readonly event_type: string; readonly metadata?: Record<string, unknown> }>;
}

interface StoredTask {
  task: Record<string, unknown> & { task_id: string; status: string; repo: string; created_at: string };
  owner: string;
  events: TaskEvent[];
  script: ScriptStep[];
}

interface Injected {
  readonly status: number;
  readonly code: string;
  readonly retryAfter?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const REPO_RE = /^(?!\.+\/)[a-zA-Z0-9._-]+\/(?!\.+$)[a-zA-Z0-9._-]+$/;
const IDEMPOTENCY_RE = /^[a-zA-Z0-9_-]{1,128}$/;
const WEBHOOK_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9 _-]{0,62}[a-zA-Z0-9]$/;
const CREATE_FIELDS = ['repo', 'task_description', 'issue_number', 'max_turns', 'max_budget_usd', 'model_id'];
const REPO_CONFIG_FIELDS = ['computeType', 'modelId', 'maxTurns', 'maxBudgetUsd', 'memoryTokenBudget', 'systemPromptOverrides', 'verify', 'triggerLabel', 'session'];

const TASK_DEFAULTS = {
  issue_number: null,
  task_description: null,
  branch_name: null,
  session_id: null,
  pr_url: null,
  pr_number: null,
  error_message: null,
  error_classification: null,
  prompt_version: null,
  channel_source: 'api',
  started_at: null,
  completed_at: null,
  duration_s: null,
  cost_usd: null,
  build_passed: null,
  lint_passed: null,
  max_turns: 100,
  max_budget_usd: null,
  turns_completed: null,
  queued_at: null,
  queue_position: null,
};

const encodeToken = (offset: number): string => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function decodeToken(token: string | null): number {
  if (token === null) return 0;
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString()) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    /* fall through */
  }
  throw new HttpError(400, 'VALIDATION_ERROR', 'next_token is invalid');
}

function limitOf(query: URLSearchParams, fallback: number): number {
  const raw = query.get('limit');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new HttpError(400, 'VALIDATION_ERROR', 'limit must be an integer from 1 to 100');
  return n;
}

function paginate<T>(items: readonly T[], query: URLSearchParams, fallback: number): { data: T[]; pagination: { next_token: string | null; has_more: boolean } } {
  const limit = limitOf(query, fallback);
  const start = decodeToken(query.get('next_token'));
  const data = items.slice(start, start + limit);
  const has_more = start + limit < items.length;
  return { data, pagination: { next_token: has_more ? encodeToken(start + limit) : null, has_more } };
}

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  /** Valid X-API-Key values → user id. */
  readonly apiKeys = new Map<string, string>();
  /** Valid JWTs (Authorization: Bearer <jwt> or the bare JWT) → user id. */
  readonly tokens = new Map<string, string>();
  readonly onboarded = new Map<string, Record<string, unknown>>();
  readonly tasks = new Map<string, StoredTask>();
  readonly webhooks = new Map<string, { row: Record<string, unknown>; owner: string }>();
  readonly keys = new Map<string, { row: Record<string, unknown>; owner: string }>();
  /** Answers forced before the normal handling, one per request (429 / 503 with Retry-After…). */
  readonly injected: Injected[] = [];
  /** Events pages repeat the event before `after` (a server quirk the client must not print twice). */
  overlapEvents = false;
  /** Milliseconds the next answer waits before it is sent. */
  delayNextMs = 0;
  /** Script given to the next task created by POST /v1/tasks. */
  nextScript: ScriptStep[] = [];
  private readonly idempotency = new Map<string, { owner: string; taskId: string }>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly id = monotonicFactory();
  private clock = Date.parse('2025-01-01T10:00:00Z');
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The recorded requests of one method and path prefix. */
  calls(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /** A task owned by `owner`, optionally scripted (each GET of the task applies the next step). */
  addTask(owner: string, fields: Partial<Record<keyof TaskDetail, unknown>> & { repo: string }, script: ScriptStep[] = []): string {
    const taskId = this.id();
    const created = new Date(this.tick()).toISOString();
    this.tasks.set(taskId, {
      task: { ...TASK_DEFAULTS, task_id: taskId, status: 'SUBMITTED', created_at: created, updated_at: created, ...fields } as StoredTask['task'],
      owner,
      events: [],
      script: [...script],
    });
    return taskId;
  }

  /** Appends events to a task now. */
  addEvents(taskId: string, events: NonNullable<ScriptStep['events']>): void {
    const stored = this.tasks.get(taskId)!;
    for (const e of events) stored.events.push({ event_id: this.id(), event_type: e.event_type, timestamp: new Date(this.tick()).toISOString(), metadata: e.metadata ?? {} });
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = this.id();
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': requestId, ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
      send(status, { error: { code, message, request_id: requestId } }, headers);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    let badJson = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    const userId = this.authenticate(req);
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, userId, requestId });

    if (this.delayNextMs > 0) {
      const ms = this.delayNextMs;
      this.delayNextMs = 0;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    const injected = this.injected.shift();
    if (injected) return fail(injected.status, injected.code, `injected ${injected.code}`, injected.retryAfter !== undefined ? { 'Retry-After': injected.retryAfter } : {});
    if (!userId) return fail(401, 'UNAUTHORIZED', 'Missing or invalid credentials.');
    if (raw !== '' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return fail(400, 'VALIDATION_ERROR', 'Content-Type must be application/json');
    }
    if (badJson) return fail(400, 'VALIDATION_ERROR', 'The body is not valid JSON.');
    try {
      const out = this.route(req.method ?? 'GET', url.pathname, url.searchParams, body, userId, req.headers);
      send(out.status, out.body, out.headers);
    } catch (err) {
      if (err instanceof HttpError) return fail(err.status, err.code, err.message);
      fail(500, 'INTERNAL_ERROR', (err as Error).message);
    }
  }

  private authenticate(req: http.IncomingMessage): string | undefined {
    const key = req.headers['x-api-key'];
    if (typeof key === 'string') return this.apiKeys.get(key);
    const auth = req.headers.authorization;
    if (typeof auth === 'string') return this.tokens.get(auth.replace(/^Bearer /, ''));
    return undefined;
  }

  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    user: string,
    headers: http.IncomingHttpHeaders,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1') throw new HttpError(404, 'NOT_FOUND', `no route ${method} ${path}`);
    const [, collection, id, sub] = parts;
    const allowed =
      method !== 'GET' ? [] : collection === 'tasks' && !id ? ['status', 'repo', 'limit', 'next_token'] : sub === 'events' ? ['limit', 'next_token', 'after', 'desc'] : (collection === 'webhooks' || collection === 'api-keys') && !id ? ['limit', 'next_token'] : [];
    const unknownParams = [...query.keys()].filter((k) => !allowed.includes(k));
    if (unknownParams.length) throw new HttpError(400, 'VALIDATION_ERROR', `Unknown query parameter(s) ${unknownParams.join(', ')}`);
    if (collection === 'tasks') {
      if (!id && method === 'POST') return this.createTask(body, user, headers['idempotency-key']);
      if (!id && method === 'GET') return this.listTasks(query, user);
      if (id === undefined) throw new HttpError(405, 'VALIDATION_ERROR', 'method not allowed');
      const stored = this.tasks.get(id);
      if (!stored || stored.owner !== user) throw new HttpError(404, 'TASK_NOT_FOUND', `Task ${id} not found.`);
      if (!sub && method === 'GET') return { status: 200, body: { data: this.advance(stored) } };
      if (!sub && method === 'DELETE') return this.cancelTask(stored);
      if (sub === 'events' && method === 'GET') return { status: 200, body: this.listEvents(stored, query) };
      if (sub === 'replay' && method === 'GET') return { status: 200, body: { data: this.replay(stored) } };
      if (sub === 'nudge' && method === 'POST') return this.nudge(stored, body);
    }
    if (collection === 'webhooks') return this.webhookRoute(method, id, body, user, query);
    if (collection === 'api-keys') return this.apiKeyRoute(method, id, body, user, query);
    if (collection === 'repos') return this.repoRoute(method, id, body, query);
    throw new HttpError(404, 'NOT_FOUND', `no route ${method} ${path}`);
  }

  // ---- tasks

  private createTask(body: unknown, user: string, key: string | string[] | undefined): { status: number; body: unknown; headers?: Record<string, string> } {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'VALIDATION_ERROR', 'The body must be a JSON object.');
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !CREATE_FIELDS.includes(k));
    if (unknown.length) throw new HttpError(400, 'VALIDATION_ERROR', `Unknown field(s): ${unknown.join(', ')}`);
    if (typeof b.repo !== 'string' || !REPO_RE.test(b.repo)) throw new HttpError(400, 'VALIDATION_ERROR', 'repo must be owner/name');
    if (b.task_description !== undefined && (typeof b.task_description !== 'string' || b.task_description.length > 10_000)) {
      throw new HttpError(400, 'VALIDATION_ERROR', 'task_description must be a string of at most 10000 characters');
    }
    if (b.issue_number !== undefined && (!Number.isInteger(b.issue_number) || (b.issue_number as number) < 1)) {
      throw new HttpError(400, 'VALIDATION_ERROR', 'issue_number must be a positive integer');
    }
    if (b.task_description === undefined && b.issue_number === undefined) throw new HttpError(400, 'VALIDATION_ERROR', 'task_description or issue_number is required');
    if (b.max_turns !== undefined && (!Number.isInteger(b.max_turns) || (b.max_turns as number) < 1 || (b.max_turns as number) > 500)) {
      throw new HttpError(400, 'VALIDATION_ERROR', 'max_turns must be an integer from 1 to 500');
    }
    if (b.max_budget_usd !== undefined && (typeof b.max_budget_usd !== 'number' || b.max_budget_usd < 0.01 || b.max_budget_usd > 100)) {
      throw new HttpError(400, 'VALIDATION_ERROR', 'max_budget_usd must be a number from 0.01 to 100');
    }
    if (b.model_id !== undefined && typeof b.model_id !== 'string') throw new HttpError(400, 'VALIDATION_ERROR', 'model_id must be a string');
    if (key !== undefined) {
      if (typeof key !== 'string' || !IDEMPOTENCY_RE.test(key)) throw new HttpError(400, 'VALIDATION_ERROR', 'Idempotency-Key is invalid');
      const seen = this.idempotency.get(key);
      if (seen && seen.owner !== user) throw new HttpError(409, 'DUPLICATE_TASK', 'A task with this idempotency key already exists.');
      if (seen) return { status: 200, body: { data: this.tasks.get(seen.taskId)!.task }, headers: { 'Idempotent-Replay': 'true' } };
    }
    if (!this.onboarded.has(b.repo)) throw new HttpError(422, 'REPO_NOT_ONBOARDED', `Repository ${b.repo} is not onboarded.`);
    const taskId = this.addTask(user, {
      repo: b.repo,
      task_description: b.task_description ?? null,
      issue_number: b.issue_number ?? null,
      max_turns: b.max_turns ?? 100,
      max_budget_usd: b.max_budget_usd ?? null,
    }, this.nextScript);
    this.nextScript = [];
    if (typeof key === 'string') this.idempotency.set(key, { owner: user, taskId });
    return { status: 201, body: { data: this.tasks.get(taskId)!.task } };
  }

  private listTasks(query: URLSearchParams, user: string): { status: number; body: unknown } {
    const statuses = query.get('status')?.split(',');
    if (statuses?.some((s) => !(TASK_STATUSES as readonly string[]).includes(s))) throw new HttpError(400, 'VALIDATION_ERROR', 'unknown status');
    const repo = query.get('repo');
    const mine = [...this.tasks.values()]
      .filter((t) => t.owner === user && (!statuses || statuses.includes(t.task.status)) && (!repo || t.task.repo === repo))
      .map((t) => t.task)
      .sort((a, b) => (a.task_id < b.task_id ? 1 : -1));
    return { status: 200, body: paginate(mine, query, 20) };
  }

  private advance(stored: StoredTask): StoredTask['task'] {
    const step = stored.script.shift();
    if (step) {
      if (step.lateEvents) {
        const late = step.lateEvents.map((e) => ({ event_id: this.id(), event_type: e.event_type, timestamp: new Date(this.tick()).toISOString(), metadata: e.metadata ?? {} }));
        stored.events.splice(Math.max(0, stored.events.length - 1), 0, ...late);
      }
      if (step.events) this.addEvents(stored.task.task_id, step.events);
      Object.assign(stored.task, step.set ?? {}, step.status ? { status: step.status } : {}, { updated_at: new Date(this.tick()).toISOString() });
    }
    return stored.task;
  }

  private cancelTask(stored: StoredTask): { status: number; body: unknown } {
    if (isTerminal(stored.task.status)) throw new HttpError(409, 'TASK_ALREADY_TERMINAL', `Task ${stored.task.task_id} is already ${stored.task.status}.`);
    const cancelled_at = new Date(this.tick()).toISOString();
    Object.assign(stored.task, { status: 'CANCELLED', completed_at: cancelled_at });
    stored.script = [];
    return { status: 200, body: { data: { task_id: stored.task.task_id, status: 'CANCELLED', cancelled_at } } };
  }

  private listEvents(stored: StoredTask, query: URLSearchParams): unknown {
    const after = query.get('after');
    let events = stored.events;
    if (after !== null) {
      const at = events.findIndex((e) => e.event_id === after);
      if (at < 0) throw new HttpError(400, 'VALIDATION_ERROR', `after=${after} names no event of this task`);
      events = events.slice(this.overlapEvents ? at : at + 1);
    }
    if (query.get('desc') === 'true' || query.get('desc') === '1') events = [...events].reverse();
    return paginate(events, query, 50);
  }

  private replay(stored: StoredTask): unknown {
    const t = stored.task;
    return {
      task_id: t.task_id,
      prompt_version: t.prompt_version,
      events: stored.events,
      verification: { build_passed: t.build_passed, lint_passed: t.lint_passed },
      session_id: t.session_id,
      cost_usd: t.cost_usd,
      collected_at: null,
    };
  }

  private nudge(stored: StoredTask, body: unknown): { status: number; body: unknown } {
    const b = body as Record<string, unknown> | undefined;
    if (!b || Object.keys(b).some((k) => k !== 'message') || typeof b.message !== 'string' || b.message.trim() === '') {
      throw new HttpError(400, 'VALIDATION_ERROR', 'The body must be {message: non-empty string}.');
    }
    if (isTerminal(stored.task.status)) throw new HttpError(409, 'TASK_ALREADY_TERMINAL', 'The task has ended.');
    return { status: 202, body: { data: { task_id: stored.task.task_id, nudge_id: this.id(), submitted_at: new Date(this.tick()).toISOString() } } };
  }

  // ---- webhooks, API keys, repositories

  private webhookRoute(method: string, id: string | undefined, body: unknown, user: string, query: URLSearchParams): { status: number; body: unknown } {
    if (!id && method === 'POST') {
      const b = body as Record<string, unknown> | undefined;
      if (!b || Object.keys(b).some((k) => k !== 'name') || typeof b.name !== 'string' || !WEBHOOK_NAME_RE.test(b.name)) {
        throw new HttpError(400, 'VALIDATION_ERROR', 'name is invalid');
      }
      const row = { webhook_id: this.id(), name: b.name, status: 'active', created_at: new Date(this.tick()).toISOString(), revoked_at: null };
      this.webhooks.set(row.webhook_id, { row, owner: user });
      return { status: 201, body: { data: { ...row, secret: randomBytes(32).toString('hex') } } };
    }
    if (!id && method === 'GET') {
      const rows = [...this.webhooks.values()].filter((w) => w.owner === user).map((w) => w.row);
      return { status: 200, body: paginate(rows.reverse(), query, 20) };
    }
    const hook = id ? this.webhooks.get(id) : undefined;
    if (!hook || hook.owner !== user) throw new HttpError(404, 'WEBHOOK_NOT_FOUND', `Webhook ${id} not found.`);
    if (method !== 'DELETE') throw new HttpError(405, 'VALIDATION_ERROR', 'method not allowed');
    if (hook.row.status === 'revoked') throw new HttpError(409, 'WEBHOOK_ALREADY_REVOKED', `Webhook ${id} is already revoked.`);
    Object.assign(hook.row, { status: 'revoked', revoked_at: new Date(this.tick()).toISOString() });
    return { status: 200, body: { data: hook.row } };
  }

  private apiKeyRoute(method: string, id: string | undefined, body: unknown, user: string, query: URLSearchParams): { status: number; body: unknown } {
    if (!id && method === 'POST') {
      const b = (body ?? {}) as Record<string, unknown>;
      if (Object.keys(b).some((k) => k !== 'name') || (b.name !== undefined && typeof b.name !== 'string')) throw new HttpError(400, 'VALIDATION_ERROR', 'name is invalid');
      const keyId = this.id();
      const apiKey = `bgak_${keyId}_${randomBytes(16).toString('hex')}`;
      const row = { key_id: keyId, name: b.name ?? null, status: 'active', created_at: new Date(this.tick()).toISOString(), last_used_at: null, revoked_at: null };
      this.keys.set(keyId, { row, owner: user });
      this.apiKeys.set(apiKey, user);
      return { status: 201, body: { data: { ...row, api_key: apiKey } } };
    }
    if (!id && method === 'GET') {
      const rows = [...this.keys.values()].filter((k) => k.owner === user).map((k) => k.row);
      return { status: 200, body: paginate(rows.reverse(), query, 20) };
    }
    const key = id ? this.keys.get(id) : undefined;
    if (!key || key.owner !== user || method !== 'DELETE') throw new HttpError(404, 'NOT_FOUND', `API key ${id} not found.`);
    Object.assign(key.row, { status: 'revoked', revoked_at: new Date(this.tick()).toISOString() });
    return { status: 200, body: { data: key.row } };
  }

  private repoRoute(method: string, id: string | undefined, body: unknown, query: URLSearchParams): { status: number; body: unknown } {
    if (!id && method === 'POST') {
      const b = body as Record<string, unknown> | undefined;
      if (!b || Object.keys(b).some((k) => k !== 'repo' && k !== 'config')) throw new HttpError(400, 'VALIDATION_ERROR', 'The body must be {repo, config}.');
      if (typeof b.repo !== 'string' || !REPO_RE.test(b.repo)) throw new HttpError(400, 'VALIDATION_ERROR', 'repo must be owner/name');
      const config = (b.config ?? {}) as Record<string, unknown>;
      const unknown = Object.keys(config).filter((k) => !REPO_CONFIG_FIELDS.includes(k));
      if (unknown.length) throw new HttpError(400, 'VALIDATION_ERROR', `Unknown config field(s): ${unknown.join(', ')}`);
      const full = { computeType: 'local', modelId: 'anthropic.claude-sonnet-4-5', maxTurns: 100, triggerLabel: 'bgagent', ...config };
      this.onboarded.set(b.repo, full);
      return { status: 201, body: { data: { repo: b.repo, status: 'active', config: full } } };
    }
    if (!id && method === 'GET') {
      const rows = [...this.onboarded.entries()].map(([repo, config]) => ({ repo, status: 'active', config }));
      return { status: 200, body: paginate(rows, query, 20) };
    }
    throw new HttpError(404, 'NOT_FOUND', 'no such route');
  }
}

export async function startFakeApi(): Promise<FakeApi> {
  return new FakeApi().start();
}
