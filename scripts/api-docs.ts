/**
 * `npm run docs:api` writes docs/API.md; `npm run docs:api -- --check` exits 1 when the committed
 * file differs from a fresh generation (test/docs/api-docs.test.ts runs the same comparison in
 * `npm test`, so a route or schema change without regenerating fails the suite).
 *
 * The source is the OpenAPI document the API serves (GET /v1/openapi.json, answered by the route
 * itself): paths, methods, summaries, path parameters, request and response schemas, success
 * statuses, the error envelope and its codes, the security schemes. What that document does not
 * carry is read from the code that decides it, never restated:
 *   - which credential a route takes (the route table's `auth`: user / admin / none);
 *   - the query parameters a route accepts: every handler refuses unknown ones first (knownParams),
 *     so the generator asks each handler with an unknown parameter and reads the list from its
 *     VALIDATION_ERROR; the upper bound of `limit` the same way (`limit=0`);
 *   - the status of each error code (services/api/errors.ts), the body limit (services/api/http.ts),
 *     the Idempotency-Key rule (services/api/idempotency.ts), the rate limit's default.
 * The prose (what a route's data holds, when an error happens, what a parameter means) lives here
 * as templates, keyed by route; a route, a query parameter, a public route or an error code
 * without its prose fails the generation with a message saying what to add.
 */
import path from 'node:path';
import { ApiError, ERROR_STATUS, type ApiErrorCode } from '../services/api/errors';
import { MAX_BODY_BYTES, type ApiRequest } from '../services/api/http';
import { idempotencyKeyOf } from '../services/api/idempotency';
import type { Route, RouteAuth, RouteContext } from '../services/api/router';
import { ALL_ROUTES } from '../services/api/routes';
import { CLOUD_ENV } from '../services/cloud/env';
import { DEFAULT_RATE_LIMIT } from '../local/start/options';
import { runAsScript, runGeneratedDoc, type GeneratedDoc, type Output } from './generated-doc';

export const API_DOCS_PATH = path.resolve(__dirname, '..', 'docs', 'API.md');

// ── the OpenAPI document ───────────────────────────────────────────────────────────────────────

export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly title?: string;
}

interface Operation {
  readonly summary: string;
  readonly operationId: string;
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string; readonly required?: boolean; readonly schema: JsonSchema }>;
  readonly requestBody?: { readonly required: boolean; readonly content: Readonly<Record<string, { readonly schema: JsonSchema }>> };
  readonly security?: readonly unknown[];
  readonly responses: Readonly<Record<string, { readonly description: string; readonly content?: Readonly<Record<string, { readonly schema: JsonSchema }>> }>>;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: {
    readonly securitySchemes: Readonly<Record<string, { readonly type: string; readonly in?: string; readonly name?: string; readonly scheme?: string; readonly description?: string }>>;
    readonly schemas: Readonly<Record<string, JsonSchema>>;
  };
}

const OPENAPI_PATH = '/v1/openapi.json';

function probeRequest(query: Readonly<Record<string, string>>): ApiRequest {
  return { method: 'GET', path: '/', headers: {}, query, rawBody: Buffer.alloc(0), requestId: 'api-docs', sourceIp: null };
}

/** Deps that refuse to be used: a handler that reaches them has gone past its own checks. */
class DepsReached extends Error {}
const NO_DEPS = new Proxy({} as RouteContext['deps'], {
  get(_target, key) {
    throw new DepsReached(`deps.${String(key)}`);
  },
});

function probeContext(route: Route, query: Readonly<Record<string, string>>): RouteContext {
  return { request: { ...probeRequest(query), method: route.method, path: route.path }, params: {}, principal: { userId: 'api-docs', via: 'api_key' }, deps: NO_DEPS };
}

/** The OpenAPI document, as GET /v1/openapi.json answers it (no Host header: server URL `/`). */
export async function servedOpenApiDocument(routes: readonly Route[] = ALL_ROUTES): Promise<OpenApiDocument> {
  const route = routes.find((r) => r.method === 'GET' && r.path === OPENAPI_PATH);
  if (!route) throw new Error(`the API has no GET ${OPENAPI_PATH} route: docs/API.md is generated from the document it serves`);
  const response = await route.handle(probeContext(route, {}));
  if (response.status !== 200) throw new Error(`GET ${OPENAPI_PATH} answered ${response.status}`);
  return response.body as OpenApiDocument;
}

// ── what the handlers say about themselves ─────────────────────────────────────────────────────

const PROBE_PARAM = 'api_docs_probe';

async function failureOf(route: Route, query: Readonly<Record<string, string>>): Promise<unknown> {
  try {
    await route.handle(probeContext(route, query));
    return null;
  } catch (err) {
    return err;
  }
}

export interface QueryParams {
  readonly names: readonly string[];
  /** The largest `limit` the route accepts, when it takes one. */
  readonly limitMax?: number;
}

/** The query parameters a route accepts, read from the VALIDATION_ERROR it answers to an unknown one. */
export async function queryParamsOf(route: Route): Promise<QueryParams> {
  const key = routeKey(route);
  const err = await failureOf(route, { [PROBE_PARAM]: '1' });
  if (err === null) return { names: [] }; // answered without reading its query (GET /v1/openapi.json)
  const unknown = err instanceof ApiError && err.code === 'VALIDATION_ERROR' ? /this endpoint takes (.+)\.$/.exec(err.message) : null;
  if (!unknown) {
    const what = err instanceof DepsReached ? `it used ${err.message} before checking its query` : `it failed with ${String((err as Error)?.message ?? err)}`;
    throw new Error(`${key}: cannot tell its query parameters (${what}); its handler should call knownParams(query, [...]) first, as every route does`);
  }
  const names = unknown[1] === 'none' ? [] : unknown[1]!.split(', ');
  if (!names.includes('limit')) return { names };
  const limitErr = await failureOf(route, { limit: '0' });
  const max = limitErr instanceof ApiError ? /from 1 to (\d+)/.exec(limitErr.message) : null;
  if (!max) throw new Error(`${key}: cannot tell the largest limit it accepts (limit=0 did not answer "limit must be an integer from 1 to N")`);
  return { names, limitMax: Number(max[1]) };
}

function idempotencyKeyRule(): string {
  try {
    idempotencyKeyOf({ 'idempotency-key': '' });
  } catch (err) {
    if (err instanceof ApiError) return err.message;
  }
  throw new Error('an empty Idempotency-Key was accepted: the generator expected services/api/idempotency.ts to refuse it');
}

// ── the prose ──────────────────────────────────────────────────────────────────────────────────

type Group = 'Tasks' | 'Webhooks' | 'Repositories and keys' | 'The OpenAPI document';
const GROUPS: readonly Group[] = ['Tasks', 'Webhooks', 'Repositories and keys', 'The OpenAPI document'];

const GROUP_INTRO: Record<Group, string> = {
  Tasks:
    'A task is a repository plus what to do (a description, an issue, or both). A user reaches only their own tasks: ' +
    "another user's task answers 404 `TASK_NOT_FOUND`, exactly like a task that does not exist, so task ids cannot be probed. " +
    'Reads of one task fold its event stream (read-your-writes: a task is visible the moment it is created); lists come from the task view.',
  Webhooks:
    'Two ways for other systems to create tasks without a user credential: webhooks you create (each with its own HMAC secret, ' +
    'the task belongs to you) and GitHub deliveries signed with the platform\'s GitHub webhook secret. ' +
    "A webhook's secret is shown once, in the response that creates it; another user's webhook answers 404 `WEBHOOK_NOT_FOUND`.",
  'Repositories and keys':
    'Tasks run only on onboarded repositories. Onboarding is infrastructure: in AWS the CDK app\'s Blueprint construct does it at deploy; ' +
    'on one machine an administrator calls `POST /v1/repos` (`bgagent repo onboard`). API keys are per user; a key is shown once, ' +
    "only the SHA-256 of its secret is stored, and another user's key answers 404 `API_KEY_NOT_FOUND`.",
  'The OpenAPI document': 'The machine-readable description this page is generated from.',
};

interface RouteDoc {
  readonly group: Group;
  /** Request headers beyond the credential. */
  readonly headers?: readonly string[];
  /** What a successful response holds (and other success statuses). */
  readonly success: string;
  /** The Success cell, when the OpenAPI document's own description of the body is not what the route answers. */
  readonly successCell?: string;
  /** Route-specific error codes and when they happen. */
  readonly errors: ReadonlyArray<readonly [ApiErrorCode, string]>;
  readonly notes?: string;
}

const SIGNED = 'the signature is checked over the exact raw bytes of the body';

const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  'POST /v1/tasks': {
    group: 'Tasks',
    headers: ['`Idempotency-Key` (optional): the same key from the same user never creates a second task.'],
    success:
      '`201` with the new task, and `Location: /v1/tasks/{task_id}`. With an `Idempotency-Key` that this user already used: `200`, ' +
      'the existing task, and `Idempotent-Replay: true`; nothing new starts.',
    errors: [
      ['VALIDATION_ERROR', 'the body does not match `CreateTaskRequest` (named field by field), or the Idempotency-Key is malformed'],
      ['PAYLOAD_TOO_LARGE', 'the body is larger than the limit'],
      ['REPO_NOT_ONBOARDED', 'the repository is not onboarded'],
      ['DUPLICATE_TASK', 'the Idempotency-Key was already used by another user'],
    ],
    notes: 'The task starts `SUBMITTED`; admission then runs it at once or queues it behind the user\'s active tasks (`QUEUED`, with `queue_position`).',
  },
  'GET /v1/tasks': {
    group: 'Tasks',
    success: '`200`, a page of the caller\'s tasks (`TaskDetail`), newest first.',
    errors: [['VALIDATION_ERROR', 'an unknown status, a malformed repo, a limit out of range, or a next_token from another listing']],
  },
  'GET /v1/tasks/{task_id}': {
    group: 'Tasks',
    success: '`200`, the task (`TaskDetail`). A failed task carries `error_classification`: what happened and what to do, derived when read.',
    errors: [['TASK_NOT_FOUND', 'no such task, or not the caller\'s']],
  },
  'DELETE /v1/tasks/{task_id}': {
    group: 'Tasks',
    success:
      '`200`, `{ task_id, status: "CANCELLED", cancelled_at, cancellation_state }`. `cancellation_state` is `completed` when the task is ' +
      'cancelled already (it had not started running) and `stopping` while its agent is being stopped: the agent saves its work ' +
      '(commits and pushes the branch) and the task shows `RUNNING` until it becomes `CANCELLED`. Asking again while it stops answers the same.',
    errors: [
      ['TASK_NOT_FOUND', 'no such task, or not the caller\'s'],
      ['TASK_ALREADY_TERMINAL', 'the task has ended'],
      ['TASK_FINALIZING', 'the agent\'s session has ended and its result is being recorded'],
    ],
  },
  'GET /v1/tasks/{task_id}/events': {
    group: 'Tasks',
    success:
      '`200`, a page of `TaskEvent`s: the lifecycle events of the task (`TaskSubmitted`, `SessionStarted`, …; `metadata` holds the event\'s ' +
      'data and `sequence`) and the progress events of its agent (`agent_turn`, `agent_tool_call`, `agent_milestone`, `agent_cost_update`, ' +
      '`agent_error`; ids `progress-<seq>`) in one list, in the order the platform received them. A client that polls with ' +
      '`after=<last event_id>` sees every event once, late progress records included.',
    errors: [
      ['TASK_NOT_FOUND', 'no such task, or not the caller\'s'],
      ['VALIDATION_ERROR', '`after` names no event of this task, or a bad limit, desc or next_token'],
    ],
  },
  'GET /v1/tasks/{task_id}/replay': {
    group: 'Tasks',
    success:
      '`200`, `{ task_id, prompt_version, events, verification: { build_passed, lint_passed }, session_id, cost_usd, collected_at }`: ' +
      'everything needed to compare this run with another (`events` as in `GET …/events`, all of them; `collected_at` is `null`).',
    errors: [['TASK_NOT_FOUND', 'no such task, or not the caller\'s']],
  },
  'POST /v1/tasks/{task_id}/nudge': {
    group: 'Tasks',
    headers: ['`Idempotency-Key` (optional): becomes the nudge id, so a retried nudge is delivered once.'],
    success:
      '`202`, `{ task_id, nudge_id, status: "accepted" }`. The message waits in the task\'s inbox; the agent reads it between turns ' +
      '(a nudge sent before the session starts is read when it starts) and reports `nudge_delivered` as a progress milestone.',
    errors: [
      ['TASK_NOT_FOUND', 'no such task, or not the caller\'s'],
      ['VALIDATION_ERROR', 'the body does not match `NudgeRequest`, or the message is empty once invisible characters are removed'],
      ['TASK_ALREADY_TERMINAL', 'the task has ended: no agent is left to read it'],
      ['TASK_FINALIZING', 'the agent\'s session has ended and its result is being recorded'],
    ],
  },
  'GET /v1/tasks/{task_id}/progress': {
    group: 'Tasks',
    success:
      '`200`, `{ task_id, status, session_id, turns, cost_usd, last_heartbeat_at, last_seen_at, events: [{ seq, timestamp, kind, event }], cursor }` ' +
      'and `pagination`: the agent\'s live progress after the cursor. Pass `cursor` back as `after` to get only what is new; ' +
      '`bgagent watch` polls this.',
    errors: [
      ['TASK_NOT_FOUND', 'no such task, or not the caller\'s'],
      ['VALIDATION_ERROR', '`after` is not a cursor, or a bad limit'],
    ],
  },
  'POST /v1/webhooks/tasks': {
    group: 'Webhooks',
    headers: [
      '`X-Webhook-Id`: the webhook\'s id.',
      `\`X-Webhook-Signature: sha256=<hex>\`: HMAC-SHA256 of the raw body with the webhook's secret (${SIGNED}, compared in constant time).`,
      '`Idempotency-Key` (optional), as for `POST /v1/tasks`.',
    ],
    success:
      'As `POST /v1/tasks`: `201` with the task (`200` + `Idempotent-Replay: true` for a repeated key). The task belongs to the webhook\'s ' +
      'owner, with `channel_source: "webhook"`; the owner\'s rate limit applies.',
    errors: [
      ['UNAUTHORIZED', 'a header is missing, or the signature does not match the body'],
      ['FORBIDDEN', 'the webhook does not exist or was revoked'],
      ['VALIDATION_ERROR', 'the body does not match `CreateTaskRequest`'],
      ['REPO_NOT_ONBOARDED', 'the repository is not onboarded'],
      ['DUPLICATE_TASK', 'the Idempotency-Key was already used by another user'],
      ['RATE_LIMIT_EXCEEDED', 'the webhook\'s owner is over the rate limit'],
    ],
  },
  'POST /v1/webhooks': {
    group: 'Webhooks',
    success:
      '`201`, `{ webhook_id, name, secret, created_at, status: "active", note }`. The `secret` (64 hex characters) is shown only here: ' +
      'keep it in a secret store; the platform keeps it in its own secret store, never in an event or a log.',
    errors: [['VALIDATION_ERROR', 'the body does not match `CreateWebhookRequest` (the name rule is in its schema below)']],
  },
  'GET /v1/webhooks': {
    group: 'Webhooks',
    success: '`200`, a page of `{ webhook_id, name, created_at, revoked_at, status }` (`active` or `revoked`), newest first. Secrets are never listed.',
    errors: [['VALIDATION_ERROR', 'a limit out of range, or a next_token from another listing']],
  },
  'DELETE /v1/webhooks/{webhook_id}': {
    group: 'Webhooks',
    success: '`200`, `{ webhook_id, status: "revoked", revoked_at }`. Signed requests with it are refused from then on; it stays listed as `revoked`.',
    errors: [
      ['WEBHOOK_NOT_FOUND', 'no such webhook, or not the caller\'s'],
      ['WEBHOOK_ALREADY_REVOKED', 'it was revoked before'],
    ],
  },
  'POST /v1/api-keys': {
    group: 'Repositories and keys',
    success:
      '`201`, `{ key_id, name, api_key, created_at, status: "active", note }`. The `api_key` (`bgak_<key_id>_<secret>`) is shown only here. ' +
      'The body may be empty (the name is then `api key`).',
    errors: [['VALIDATION_ERROR', 'the body does not match `CreateApiKeyRequest`']],
  },
  'GET /v1/api-keys': {
    group: 'Repositories and keys',
    success: '`200`, a page of `{ key_id, name, created_at, revoked_at, status }` (`active` or `revoked`), newest first. Keys are never listed.',
    errors: [['VALIDATION_ERROR', 'a limit out of range, or a next_token from another listing']],
  },
  'DELETE /v1/api-keys/{key_id}': {
    group: 'Repositories and keys',
    success: '`200`, `{ key_id, status: "revoked", revoked_at }`. The key stops working at once (the cloud authorizer keeps no cache).',
    errors: [
      ['API_KEY_NOT_FOUND', 'no such key, or not the caller\'s'],
      ['API_KEY_ALREADY_REVOKED', 'it was revoked before'],
    ],
  },
  'GET /v1/repos': {
    group: 'Repositories and keys',
    success:
      '`200`, every onboarded repository as `{ repo, status, onboarded_at, updated_at, config }`, by name, in one page ' +
      '(`next_token` is always `null`). `config` is the repository\'s RepoConfig (camelCase, as in `schemas/common/RepoConfig.schema.json`).',
    errors: [],
  },
  'POST /v1/repos': {
    group: 'Repositories and keys',
    success:
      'Declarative: `201` and the repository when something was recorded (onboarded, or a changed configuration), `200` when the same ' +
      'configuration was already applied. `config` takes any RepoConfig fields (`schemas/common/RepoConfig.schema.json`); the rest take their defaults.',
    errors: [
      ['FORBIDDEN', 'the caller is not a platform administrator'],
      ['VALIDATION_ERROR', 'the body does not match `OnboardRepoRequest`, or the config is not a valid RepoConfig'],
    ],
  },
  'POST /v1/github/events': {
    group: 'Webhooks',
    headers: [
      `\`X-Hub-Signature-256: sha256=<hex>\`: GitHub's HMAC-SHA256 of the raw body with the platform's GitHub webhook secret (${SIGNED}).`,
      '`X-GitHub-Event` and `X-GitHub-Delivery`, as GitHub sends them.',
    ],
    success:
      'An issue labelled with the repository\'s trigger label, or a new comment starting with `@bgagent`, on an onboarded repository creates ' +
      'a task for the GitHub user (`github:<login>`, `channel_source: "webhook"`): `201` with the task. A redelivery (same `X-GitHub-Delivery`, ' +
      'the task\'s idempotency key) answers `200` with the same task. `ping` answers `200` `{ status: "pong" }`; any other delivery `202` ' +
      '`{ status: "ignored", reason }`.',
    errors: [
      ['FORBIDDEN', 'the platform has no GitHub webhook secret configured'],
      ['UNAUTHORIZED', 'the signature does not match the body'],
      ['VALIDATION_ERROR', '`X-GitHub-Delivery` is missing or malformed, or the body is not JSON'],
    ],
  },
  'GET /v1/openapi.json': {
    group: 'The OpenAPI document',
    successCell: 'the OpenAPI document itself, not wrapped in `data` (the document describes a `data` envelope here, which this route does not use)',
    success: '`200`, the OpenAPI 3.1 document: every route, its request and response schemas (the JSON Schemas of `schemas/api`) and the security schemes. Its server URL is the host the request was sent to.',
    errors: [],
  },
};

/** How a route without a user credential is authenticated (its route table entry says `none`). */
const PUBLIC_AUTH: Readonly<Record<string, string>> = {
  'POST /v1/webhooks/tasks': 'Webhook HMAC (`X-Webhook-Id`, `X-Webhook-Signature`)',
  'POST /v1/github/events': 'GitHub webhook HMAC (`X-Hub-Signature-256`)',
  'GET /v1/openapi.json': 'None (public)',
};

const AUTH_TEXT: Record<Exclude<RouteAuth, 'none'>, string> = {
  user: 'API key or JWT',
  admin: 'API key or JWT of an administrator',
};

/** Query parameters, by route; `{max}` is the route's own bound of `limit`. */
const PARAM_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'GET /v1/tasks': {
    status: 'Only tasks in these statuses: a comma-separated list of {statuses} (any case).',
    repo: 'Only tasks on this repository (`owner/name`).',
    limit: 'Page size, 1–{max} (default 20).',
    next_token: 'The `next_token` of the previous page, with the same filters.',
  },
  'GET /v1/tasks/{task_id}/events': {
    limit: 'Page size, 1–{max} (default 50).',
    next_token: 'The `next_token` of the previous page, with the same `after` and `desc`.',
    after: 'An `event_id` you received: only the events after it.',
    desc: '`true`: newest first (default `false`: oldest first).',
  },
  'GET /v1/tasks/{task_id}/progress': {
    after: 'The `cursor` of a previous response (a number): only newer progress.',
    limit: 'Progress events per response, 1–{max} (default 100).',
  },
  'GET /v1/webhooks': {
    limit: 'Page size, 1–{max} (default 20).',
    next_token: 'The `next_token` of the previous page.',
  },
  'GET /v1/api-keys': {
    limit: 'Page size, 1–{max} (default 20).',
    next_token: 'The `next_token` of the previous page.',
  },
};

/** What each error code means to a client. */
const ERROR_DOCS: Readonly<Record<ApiErrorCode, string>> = {
  VALIDATION_ERROR: 'The request is malformed: the message names the field, header or parameter and what it accepts. Nothing was written.',
  UNAUTHORIZED: 'Missing or invalid credentials (or signature). The message says which header to send; it never says whether a key id exists.',
  FORBIDDEN: 'Authenticated, but not allowed: an administrator-only route, a revoked or unknown webhook, an unconfigured GitHub secret, or (in AWS) a request the firewall blocked.',
  NOT_FOUND: 'No such endpoint.',
  TASK_NOT_FOUND: "No such task, or another user's.",
  WEBHOOK_NOT_FOUND: "No such webhook, or another user's.",
  API_KEY_NOT_FOUND: "No such API key, or another user's.",
  METHOD_NOT_ALLOWED: 'The path exists with other methods, listed in the `Allow` header.',
  DUPLICATE_TASK: 'The Idempotency-Key was already used by another user.',
  TASK_ALREADY_TERMINAL: 'The task has ended: nothing to cancel, no agent to nudge.',
  TASK_FINALIZING: "The task's session has ended and its result is being recorded; ask again in a moment.",
  WEBHOOK_ALREADY_REVOKED: 'The webhook was revoked before.',
  API_KEY_ALREADY_REVOKED: 'The API key was revoked before.',
  PAYLOAD_TOO_LARGE: 'The body is over the size limit.',
  REPO_NOT_ONBOARDED: 'Tasks cannot run on this repository: it is not onboarded.',
  RATE_LIMIT_EXCEEDED: 'Too many requests: retry after the seconds in `Retry-After`.',
  INTERNAL_ERROR: 'A fault on the platform\'s side: the message carries the request id to report; the cause is logged, never returned.',
  GITHUB_UNREACHABLE: 'GitHub (or the local forge) could not be reached.',
  SERVICE_UNAVAILABLE: 'A dependency is busy or unavailable (e.g. DynamoDB throttling): retry after `Retry-After`.',
};

// ── rendering ──────────────────────────────────────────────────────────────────────────────────

const routeKey = (r: Pick<Route, 'method' | 'path'>): string => `${r.method} ${r.path}`;

/** GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, spaces → `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => '`' + text + '`';
const refName = (ref: string): string => ref.replace('#/components/schemas/', '');
const schemaLink = (name: string): string => `[${code(name)}](#${headingSlug(name)})`;

function typeText(schema: JsonSchema): string {
  if (schema.$ref) return schemaLink(refName(schema.$ref));
  if (schema.anyOf) return schema.anyOf.map(typeText).join(' or ');
  if (schema.enum) return schema.enum.map((v) => code(JSON.stringify(v))).join(', ');
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type as string];
  return types
    .map((t) => {
      if (t === 'array') return `array of ${schema.items ? typeText(schema.items) : 'values'}`;
      if (t === 'object' && schema.properties) return `object { ${Object.keys(schema.properties).join(', ')} }`;
      if (t === 'string' && schema.format) return `string (${schema.format})`;
      return t;
    })
    .join(' or ');
}

function constraintsOf(schema: JsonSchema): string {
  const parts: string[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) =>
    min !== undefined && max !== undefined ? `${min}–${max}${unit}` : min !== undefined ? `at least ${min}${unit}` : `at most ${max}${unit}`;
  if (schema.minLength !== undefined || schema.maxLength !== undefined) parts.push(range(schema.minLength, schema.maxLength, ' characters'));
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(range(schema.minimum, schema.maximum, ''));
  if (schema.pattern) parts.push(code(schema.pattern));
  return parts.join(', ');
}

function schemaSection(name: string, schema: JsonSchema, isRequest: boolean): string[] {
  const lines = [`### ${name}`, ''];
  if (schema.description) lines.push(schema.description, '');
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  if (Object.keys(props).length === 0) {
    lines.push(`${typeText(schema)}.`, '');
    return lines;
  }
  lines.push('| field | type | required | constraints | description |', '|---|---|---|---|---|');
  for (const [field, prop] of Object.entries(props)) {
    lines.push(`| ${code(field)} | ${cell(typeText(prop))} | ${required.has(field) ? 'yes' : ''} | ${cell(constraintsOf(prop))} | ${cell(prop.description ?? '')} |`);
  }
  lines.push('');
  const rules: string[] = [];
  const oneOfRequired = (schema.anyOf ?? []).map((s) => s.required ?? []).filter((r) => r.length > 0);
  if (oneOfRequired.length > 0) rules.push(`At least one of ${oneOfRequired.map((r) => r.map(code).join(' + ')).join(', ')} is required.`);
  if (isRequest && schema.additionalProperties === false) rules.push('No other fields are accepted.');
  if (rules.length > 0) lines.push(rules.join(' '), '');
  return lines;
}

/** The success status and what its `data` holds, from an operation's success response. */
function successShape(op: Operation): { status: string; shape: string } {
  const [status, response] = Object.entries(op.responses).find(([s]) => s.startsWith('2')) ?? [];
  if (!status || !response) throw new Error(`${op.operationId}: no success response in the OpenAPI document`);
  const envelope = response.content?.['application/json']?.schema;
  const data = envelope?.properties?.data;
  if (!envelope || !data) return { status, shape: 'no body' };
  const paged = envelope.properties?.pagination !== undefined;
  const inner = data.$ref ? schemaLink(refName(data.$ref)) : data.type === 'array' && data.items?.$ref ? `a list of ${schemaLink(refName(data.items.$ref))}` : 'no schema in the OpenAPI document; described below';
  return { status, shape: `\`data\`: ${inner}${paged ? ', with `pagination`' : ''}` };
}

interface RouteFacts {
  readonly route: Route;
  readonly op: Operation;
  readonly doc: RouteDoc;
  readonly auth: string;
  readonly query: QueryParams;
}

async function routeFacts(doc: OpenApiDocument, routes: readonly Route[]): Promise<RouteFacts[]> {
  const facts: RouteFacts[] = [];
  const seen = new Set<string>();
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${p}`;
      seen.add(key);
      const route = routes.find((r) => routeKey(r) === key);
      if (!route) throw new Error(`${key} is in the OpenAPI document but not in the route table`);
      const routeDoc = ROUTE_DOCS[key];
      if (!routeDoc) throw new Error(`${key} has no prose in scripts/api-docs.ts ROUTE_DOCS: add what its response holds and its errors, then run npm run docs:api`);
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (isPublic !== (route.auth === 'none')) throw new Error(`${key}: the OpenAPI document and the route table disagree on whether it needs a user`);
      let auth: string;
      if (route.auth === 'none') {
        const text = PUBLIC_AUTH[key];
        if (!text) throw new Error(`${key} takes no user credential: say in scripts/api-docs.ts PUBLIC_AUTH how it is authenticated`);
        auth = text;
      } else auth = AUTH_TEXT[route.auth];
      for (const [code] of routeDoc.errors) if (!(code in ERROR_STATUS)) throw new Error(`${key}: ROUTE_DOCS names the unknown error code ${code}`);
      const query = await queryParamsOf(route);
      for (const name of query.names) {
        if (!PARAM_DOCS[key]?.[name]) throw new Error(`${key} accepts the query parameter "${name}": describe it in scripts/api-docs.ts PARAM_DOCS`);
      }
      for (const name of Object.keys(PARAM_DOCS[key] ?? {})) {
        if (!query.names.includes(name)) throw new Error(`${key} no longer accepts "${name}": remove it from scripts/api-docs.ts PARAM_DOCS`);
      }
      facts.push({ route, op, doc: routeDoc, auth, query });
    }
  }
  for (const key of Object.keys(ROUTE_DOCS)) if (!seen.has(key)) throw new Error(`scripts/api-docs.ts ROUTE_DOCS describes ${key}, which the API no longer serves`);
  for (const key of Object.keys(PUBLIC_AUTH)) if (!seen.has(key)) throw new Error(`scripts/api-docs.ts PUBLIC_AUTH describes ${key}, which the API no longer serves`);
  return facts;
}

function routeSection(f: RouteFacts, statuses: string): string[] {
  const { route, op, doc } = f;
  const lines = [`### ${route.method} ${route.path}`, '', `${op.summary}.`, ''];
  lines.push('| | |', '|---|---|');
  lines.push(`| Auth | ${cell(f.auth)} |`);
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
  if (pathParams.length > 0) lines.push(`| Path | ${cell(pathParams.map((p) => `${code(p.name)} ${constraintsOf(p.schema)}`).join('; '))} |`);
  if (f.query.names.length > 0) {
    const docs = PARAM_DOCS[routeKey(route)]!;
    const text = f.query.names.map((n) => `${code(n)}: ${docs[n]!.replace('{max}', String(f.query.limitMax)).replace('{statuses}', statuses)}`);
    lines.push(`| Query | ${cell(text.join('<br>'))} |`);
  }
  if (doc.headers?.length) lines.push(`| Headers | ${cell(doc.headers.join('<br>'))} |`);
  if (op.requestBody) {
    const schema = op.requestBody.content['application/json']?.schema;
    const name = schema?.$ref ? schemaLink(refName(schema.$ref)) : 'JSON';
    lines.push(`| Body | ${name}${op.requestBody.required ? '' : ' (optional)'} |`);
  }
  const success = successShape(op);
  lines.push(`| Success | \`${success.status}\` ${cell(doc.successCell ?? success.shape)} |`);
  const errors = [...doc.errors].sort(([a], [b]) => ERROR_STATUS[a] - ERROR_STATUS[b]).map(([c, when]) => `\`${ERROR_STATUS[c]}\` ${code(c)}: ${when}`);
  lines.push(`| Errors | ${cell([...errors, `${errors.length > 0 ? 'and' : 'only'} the [errors every route may answer](#errors)`].join('<br>'))} |`);
  lines.push('', doc.success, '');
  if (doc.notes) lines.push(doc.notes, '');
  return lines;
}

/** docs/API.md, rendered from the served OpenAPI document and the route table. */
export async function renderApiDocs(routes: readonly Route[] = ALL_ROUTES): Promise<string> {
  const doc = await servedOpenApiDocument(routes);
  const facts = await routeFacts(doc, routes);
  const schemas = doc.components.schemas;
  const errorSchema = schemas.ErrorResponse?.properties?.error?.properties?.code;
  const errorCodes = (errorSchema?.enum ?? []) as ApiErrorCode[];
  const known = Object.keys(ERROR_STATUS).sort().join(',');
  if ([...errorCodes].sort().join(',') !== known) throw new Error('the ErrorResponse schema (schemas/api) and services/api/errors.ts ERROR_STATUS list different codes');
  for (const c of errorCodes) if (!ERROR_DOCS[c]) throw new Error(`the error code ${c} has no meaning in scripts/api-docs.ts ERROR_DOCS`);
  const statuses = ((schemas.TaskDetail?.properties?.status?.enum ?? []) as string[]).map(code).join(', ');
  const apiKey = Object.values(doc.components.securitySchemes).find((s) => s.type === 'apiKey');
  const bearer = Object.values(doc.components.securitySchemes).find((s) => s.type === 'http' && s.scheme === 'bearer');
  if (!apiKey?.name || !bearer) throw new Error('the OpenAPI document lost its apiKey or bearer security scheme');
  const apiKeyHeader = `${apiKey.name}: ${apiKey.description ?? '<key>'}`;

  const out: string[] = [];
  out.push(
    '<!-- Generated by `npm run docs:api` (scripts/api-docs.ts) from the OpenAPI document the API serves. Do not edit: change the routes,',
    '     schemas/api or the generator\'s prose, then run `npm run docs:api`. test/docs/api-docs.test.ts fails when this file is stale. -->',
    '',
    '# The REST API',
    '',
    `${doc.info.title} ${doc.info.version} (OpenAPI ${doc.openapi}). ${doc.info.description ?? ''}`.trim(),
    '',
    'The API is one handler (`services/api/api-handler.ts`) over a route table (`services/api/routes/index.ts`): behind API Gateway in AWS, ' +
      'behind a small HTTP server on one machine (`npm start`, port 8080 by default). The machine-readable description is served at ' +
      `\`GET ${OPENAPI_PATH}\`; this page is generated from it. The \`bgagent\` CLI (\`cli/\`) is a client of exactly this API. ` +
      'How the API fits the rest of the platform: [ARCHITECTURE.md](ARCHITECTURE.md#the-rest-api).',
    '',
    '## Contents',
    '',
    '- [Conventions](#conventions): [authentication](#authentication), [errors](#errors), [pagination](#pagination), [idempotency](#idempotency), [rate limits](#rate-limits)',
    ...GROUPS.map((g) => `- [${g}](#${headingSlug(g)})`),
    '- [Schemas](#schemas)',
    '- [Error codes](#error-codes)',
    '',
    '| method | path | auth | summary |',
    '|---|---|---|---|',
    ...facts.map((f) => `| ${f.route.method} | [${code(f.route.path)}](#${headingSlug(`${f.route.method} ${f.route.path}`)}) | ${cell(f.auth)} | ${cell(f.op.summary)} |`),
    '',
  );

  out.push(
    '## Conventions',
    '',
    '### Requests and responses',
    '',
    `- Base path \`/v1\`. Bodies are JSON (\`Content-Type: application/json\` when sent), UTF-8, at most ${MAX_BODY_BYTES.toLocaleString('en-US')} bytes ` +
      '(larger: `413 PAYLOAD_TOO_LARGE`). Field names are snake_case on the wire; absent values are `null`, never omitted.',
    '- Unknown body fields and unknown query parameters are refused (`400 VALIDATION_ERROR` naming them), so a typo is never silently ignored.',
    '- A success is `{ "data": … }`; a list adds `"pagination"` (below).',
    '- Every response carries `X-Request-Id` (a ULID, also in error bodies and in the platform\'s logs), `Cache-Control: no-store` and ' +
      '`X-Content-Type-Options: nosniff`.',
    '- A request that is refused writes nothing: every check runs before a command reaches the event store.',
    '',
    '### Authentication',
    '',
    'Every route but the public and signed ones takes one of:',
    '',
    `- an API key: \`${apiKeyHeader}\`. Only the SHA-256 of the secret is stored, and it is compared in constant time. Create keys with ` +
      '`POST /v1/api-keys` (`bgagent api-key create`); `npm start` creates the administrator\'s key in `.abca/admin.key`.',
    '- a JWT: `Authorization: Bearer <JWT>` (or the bare token). In AWS, a token of the deployment\'s Cognito user pool; on one machine, ' +
      'a token of the issuer given to `npm start --jwt-issuer … --jwt-jwks-uri …`. The user id is the token\'s `sub`.',
    '',
    'Missing or bad credentials answer `401 UNAUTHORIZED` (at the edge in AWS: a REQUEST authorizer checks both kinds, and the function ' +
      'checks again). Administrators are the users the deployment names (the CDK context `admins` in AWS, docs/DEPLOY.md; user `admin` under ' +
      '`npm start`); an ' +
      'administrator-only route answers `403 FORBIDDEN` to anyone else. Signed routes (`POST /v1/webhooks/tasks`, `POST /v1/github/events`) ' +
      'take no credential: an HMAC-SHA256 signature of the raw body, described with each route.',
    '',
    '### Authorization',
    '',
    "A user reaches only their own tasks, webhooks and API keys. Another user's resource answers `404` with the resource's own code " +
      '(`TASK_NOT_FOUND`, `WEBHOOK_NOT_FOUND`, `API_KEY_NOT_FOUND`), exactly as one that does not exist, and so does a path id that could not ' +
      'be an id at all: ids cannot be probed. The onboarded repositories (`GET /v1/repos`) are visible to every user.',
    '',
    '### Errors',
    '',
    'Every error has the same body (`ErrorResponse`):',
    '',
    '```json',
    '{ "error": { "code": "VALIDATION_ERROR", "message": "Invalid request: body.max_turns must be <= 500.", "request_id": "01J…" } }',
    '```',
    '',
    '`code` is stable (the full list is under [Error codes](#error-codes)); `message` says what to fix. Besides its own codes (listed with ' +
      'each route), any route may answer `400 VALIDATION_ERROR` (unknown query parameter, malformed JSON), `401 UNAUTHORIZED` and ' +
      '`429 RATE_LIMIT_EXCEEDED` (routes that need a user), `405 METHOD_NOT_ALLOWED` (with `Allow`), `500 INTERNAL_ERROR` and ' +
      '`503 SERVICE_UNAVAILABLE` (with `Retry-After`). An unknown path answers `404 NOT_FOUND`. In AWS, API Gateway\'s own refusals ' +
      '(authorizer, throttling, firewall, unknown path) use the same envelope.',
    '',
    '### Pagination',
    '',
    'Lists answer `{ "data": [...], "pagination": { "next_token": string | null, "has_more": boolean } }`. Pass `next_token` back unchanged, ' +
      'with the same filters, for the next page. Tokens are opaque: sealed with AES-256-GCM together with the user and the listing they ' +
      'belong to, so a token cannot be read, altered, or used by another user or for another listing (`400 VALIDATION_ERROR`). Under ' +
      '`npm start` the sealing key is kept in the data directory, so tokens survive a restart.',
    '',
    '### Idempotency',
    '',
    '`POST /v1/tasks` and `POST /v1/webhooks/tasks` take `Idempotency-Key`. The task id is derived from the key, so a repeated request ' +
      'lands on the same task: its owner gets `200`, the task as it is now and `Idempotent-Replay: true`; another user gets ' +
      '`409 DUPLICATE_TASK` (keys are global). `POST /v1/tasks/{task_id}/nudge` uses the key as the nudge id, so a retried nudge is ' +
      `delivered once. The key's rule, as the API states it: "${idempotencyKeyRule()}" GitHub deliveries use their \`X-GitHub-Delivery\` ` +
      'id the same way. Every other write is idempotent by nature: revoking twice answers `409 …_ALREADY_REVOKED` and changes nothing, ' +
      're-applying a repository configuration records nothing new.',
    '',
    '### Rate limits',
    '',
    `Each user has a budget of requests per minute (fixed one-minute windows counted in DynamoDB, shared by every API instance): ` +
      `${DEFAULT_RATE_LIMIT} by default; in AWS the API function's \`${CLOUD_ENV.requestsPerMinute}\` variable sets it, on one machine ` +
      '`npm start --rate-limit N` (`0`: none). Over it: `429 RATE_LIMIT_EXCEEDED` with `Retry-After` (seconds to the next ' +
      'window). Signed webhook requests count against the webhook owner\'s budget. In AWS, API Gateway stage throttling and a per-IP WAF ' +
      'rate rule sit in front (`429` / `403` in the same envelope).',
    '',
  );

  for (const group of GROUPS) {
    out.push(`## ${group}`, '', GROUP_INTRO[group], '');
    for (const f of facts.filter((x) => x.doc.group === group)) out.push(...routeSection(f, statuses));
  }

  out.push('## Schemas', '', 'The JSON Schemas of `schemas/api`, as the OpenAPI document carries them (JSON Schema 2020-12). Request bodies are validated against them before anything else happens.', '');
  const requestSchemas = new Set(facts.map((f) => f.op.requestBody?.content['application/json']?.schema.$ref).filter((r): r is string => r !== undefined).map(refName));
  for (const [name, schema] of Object.entries(schemas)) out.push(...schemaSection(name, schema, requestSchemas.has(name)));

  out.push('## Error codes', '', '| status | code | meaning |', '|---|---|---|');
  const byStatus = [...errorCodes].sort((a, b) => ERROR_STATUS[a] - ERROR_STATUS[b] || errorCodes.indexOf(a) - errorCodes.indexOf(b));
  for (const c of byStatus) out.push(`| ${ERROR_STATUS[c]} | ${code(c)} | ${cell(ERROR_DOCS[c])} |`);
  out.push('');
  return out.join('\n');
}

/** docs/API.md as a generated document. */
export const API_DOC: GeneratedDoc = { script: 'docs:api', defaultPath: API_DOCS_PATH, source: 'the OpenAPI document the API serves' };

/** `[--check] [--file PATH]`: write PATH (default docs/API.md), or with --check compare it with a fresh generation. */
export function main(argv: readonly string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  return runGeneratedDoc(API_DOC, renderApiDocs, argv, out, err);
}

if (require.main === module) runAsScript(API_DOC, main);
