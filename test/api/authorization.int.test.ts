/**
 * Authorization matrix of the REST API, over real HTTP on the embedded platform (test compute,
 * sessions that hang so tasks stay RUNNING and the store is still once the platform is quiet).
 *
 * Every route of ALL_ROUTES must have an entry in MATRIX (a new route fails the first test until
 * it is classified). Per route:
 *   - user/admin routes: no credentials, an empty, garbage, unknown, tampered or revoked API key, and
 *     a garbage bearer token all answer 401 UNAUTHORIZED;
 *   - routes that name a resource: bob on alice's task / webhook / key answers 404 with the
 *     resource's code, with the same status, code, message (id aside) and header names as an id
 *     that does not exist; alice on bob's likewise;
 *   - the admin route answers 403 FORBIDDEN to users who are not administrators;
 *   - signed routes (POST /v1/webhooks/tasks, POST /v1/github/events) refuse unsigned, mis-signed,
 *     unknown and revoked senders;
 *   - the owner (or the administrator, or the signed sender) succeeds.
 * Every refused request is checked to leave the event store exactly as it was (a hash over every
 * event, taken after the platform went quiet, before and after the request). Lists never show
 * another user's items, and a page token of one user is refused for another. JWT auth is checked
 * against a local JWKS issuer: valid tokens (Bearer and bare) act as `sub`; expired, other issuer,
 * other key, tampered, `alg: none`, HS256-with-the-public-key... answer 401; JWT users and API-key
 * users are separate users.
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { signBody } from '../../services/kernel/hmac-signature';
import { ERROR_STATUS } from '../../services/api/errors';
import type { Route, RouteAuth } from '../../services/api/router';
import { ALL_ROUTES } from '../../services/api/routes';
import { schemaProblems, startApiTestbed, type ApiCallResult, type ApiTestbed, type CallOptions } from '../support/api';
import { b64url, newRsaKey, signHs256, signRs256, startJwtIssuer, type JwtIssuer } from '../support/jwt-issuer';
import { TEST_REPO, waitUntil } from '../support/platform';
import { changedStreams, storeSnapshot } from '../support/store-snapshot';

jest.setTimeout(180_000);

type Resource = 'task' | 'webhook' | 'api_key';
type Kind = 'user' | 'admin' | 'signed-webhook' | 'signed-github' | 'public';

interface Entry {
  readonly kind: Kind;
  /** Status of a successful call by the owner (alice; the administrator for admin routes; the signed sender). */
  readonly ok: number;
  /** The resource the path names: other users get its 404. */
  readonly resource?: Resource;
  /** A successful call uses the resource up (cancel, revoke): alice succeeds on a fresh one. */
  readonly consumes?: boolean;
  /** A valid body (so that a refusal is about who asks, never about the body). */
  readonly body?: () => unknown;
}

let counter = 0;
const MATRIX: Readonly<Record<string, Entry>> = {
  'POST /v1/tasks': { kind: 'user', ok: 201, body: () => ({ repo: TEST_REPO, task_description: `matrix task ${++counter}` }) },
  'GET /v1/tasks': { kind: 'user', ok: 200 },
  'GET /v1/tasks/{task_id}': { kind: 'user', ok: 200, resource: 'task' },
  'DELETE /v1/tasks/{task_id}': { kind: 'user', ok: 200, resource: 'task', consumes: true },
  'GET /v1/tasks/{task_id}/events': { kind: 'user', ok: 200, resource: 'task' },
  'GET /v1/tasks/{task_id}/replay': { kind: 'user', ok: 200, resource: 'task' },
  'POST /v1/tasks/{task_id}/nudge': { kind: 'user', ok: 202, resource: 'task', body: () => ({ message: 'please also update the changelog' }) },
  'GET /v1/tasks/{task_id}/progress': { kind: 'user', ok: 200, resource: 'task' },
  'POST /v1/webhooks/tasks': { kind: 'signed-webhook', ok: 201, body: () => ({ repo: TEST_REPO, task_description: `webhook task ${++counter}` }) },
  'POST /v1/webhooks': { kind: 'user', ok: 201, body: () => ({ name: `matrix hook ${++counter}` }) },
  'GET /v1/webhooks': { kind: 'user', ok: 200 },
  'DELETE /v1/webhooks/{webhook_id}': { kind: 'user', ok: 200, resource: 'webhook', consumes: true },
  'POST /v1/api-keys': { kind: 'user', ok: 201, body: () => ({ name: `matrix key ${++counter}` }) },
  'GET /v1/api-keys': { kind: 'user', ok: 200 },
  'DELETE /v1/api-keys/{key_id}': { kind: 'user', ok: 200, resource: 'api_key', consumes: true },
  'GET /v1/repos': { kind: 'user', ok: 200 },
  'POST /v1/repos': { kind: 'admin', ok: 201, body: () => ({ repo: `acme/onboarded-${++counter}` }) },
  'POST /v1/github/events': { kind: 'signed-github', ok: 200, body: () => ({ zen: 'Keep it logically awesome.', hook_id: 1 }) },
  'GET /v1/openapi.json': { kind: 'public', ok: 200 },
};

const AUTH_OF_KIND: Record<Kind, RouteAuth> = { user: 'user', admin: 'admin', 'signed-webhook': 'none', 'signed-github': 'none', public: 'none' };
const NOT_FOUND_CODE: Record<Resource, 'TASK_NOT_FOUND' | 'WEBHOOK_NOT_FOUND' | 'API_KEY_NOT_FOUND'> = { task: 'TASK_NOT_FOUND', webhook: 'WEBHOOK_NOT_FOUND', api_key: 'API_KEY_NOT_FOUND' };
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const GITHUB_SECRET = 'github-webhook-secret-for-the-matrix';

const nameOf = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;
const pathOf = (route: Route, id?: string) => route.path.replace(/\{[a-z_]+\}/, encodeURIComponent(id ?? ''));

interface Owned {
  readonly taskId: string;
  readonly webhookId: string;
  readonly webhookSecret: string;
  readonly keyId: string;
}

let tb: ApiTestbed;
let issuer: JwtIssuer;
const owned: Record<'alice' | 'bob', Owned> = {} as never;
/** Everything each user ever created, for the list checks. */
const created = { alice: { task: new Set<string>(), webhook: new Set<string>(), api_key: new Set<string>() }, bob: { task: new Set<string>(), webhook: new Set<string>(), api_key: new Set<string>() } };
let revokedKey: string;
let revokedWebhook: { id: string; secret: string };


function expectError(res: ApiCallResult, status: number, code: keyof typeof ERROR_STATUS): void {
  const context = JSON.stringify({ status: res.status, body: res.body });
  expect([res.status, res.body?.error?.code, context]).toEqual([status, code, context]);
  expect(ERROR_STATUS[code]).toBe(status);
  expect(schemaProblems('ErrorResponse', res.body)).toEqual([]);
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toMatch(ULID);
  expect(res.body.error.request_id).toBe(requestId);
}

function expectOk(res: ApiCallResult, status: number): void {
  const context = JSON.stringify({ status: res.status, body: res.body });
  expect([res.status, context]).toEqual([status, context]);
  expect(res.headers.get('x-request-id')).toMatch(ULID);
}

/** Set when a request may have written (a write sets work in motion): the next check waits for quiet first. */
let maybeBusy = true;

async function call(method: string, path: string, options?: CallOptions): Promise<ApiCallResult> {
  const res = await tb.call(method, path, options);
  if (method !== 'GET' && res.status < 400) maybeBusy = true;
  return res;
}

/**
 * Sends the request and proves that the event store did not change: a hash over every event before
 * and after. Before, the platform is quiet (waited for after any write: sessions hang and schedules
 * are off, so nothing moves on its own). The API answers only after its commands are stored, so a
 * write by the request would be in the store by the time the answer arrives.
 */
async function withoutWrites(send: () => Promise<ApiCallResult>): Promise<ApiCallResult> {
  if (maybeBusy) {
    await tb.platform.quiesce();
    maybeBusy = false;
  }
  const before = await storeSnapshot(tb.platform.store);
  const res = await send();
  const after = await storeSnapshot(tb.platform.store);
  expect(changedStreams(before, after)).toEqual([]);
  expect({ count: after.count, hash: after.hash }).toEqual({ count: before.count, hash: before.hash });
  return res;
}

async function createTask(user: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await call('POST', '/v1/tasks', { user, body: { repo: TEST_REPO, task_description: `a task of ${user}` }, headers });
  expectOk(res, 201);
  return res.body.data.task_id as string;
}

async function createWebhook(user: 'alice' | 'bob'): Promise<{ id: string; secret: string }> {
  const res = await call('POST', '/v1/webhooks', { user, body: { name: `hook of ${user} ${++counter}` } });
  expectOk(res, 201);
  created[user].webhook.add(res.body.data.webhook_id);
  return { id: res.body.data.webhook_id, secret: res.body.data.secret };
}

async function createKey(user: 'alice' | 'bob'): Promise<{ id: string; key: string }> {
  const res = await call('POST', '/v1/api-keys', { user, body: { name: `key of ${user} ${++counter}` } });
  expectOk(res, 201);
  created[user].api_key.add(res.body.data.key_id);
  return { id: res.body.data.key_id, key: res.body.data.api_key };
}

async function freshResource(kind: Resource, user: 'alice' | 'bob'): Promise<string> {
  if (kind === 'task') {
    const id = await createTask(user);
    created[user].task.add(id);
    return id;
  }
  return kind === 'webhook' ? (await createWebhook(user)).id : (await createKey(user)).id;
}

function ownedId(user: 'alice' | 'bob', kind: Resource): string {
  return kind === 'task' ? owned[user].taskId : kind === 'webhook' ? owned[user].webhookId : owned[user].keyId;
}

/** An id of the right shape that names nothing. */
function missingId(kind: Resource): string {
  return kind === 'task' ? ulid() : randomBytes(8).toString('hex');
}

function headerNames(res: ApiCallResult): string[] {
  return [...res.headers.keys()].sort();
}

function webhookCall(webhookId: string | undefined, signature: string | undefined, body: unknown, extra: CallOptions = {}) {
  const raw = JSON.stringify(body);
  return call('POST', '/v1/webhooks/tasks', {
    ...extra,
    rawBody: raw,
    headers: { 'Content-Type': 'application/json', ...(webhookId !== undefined ? { 'X-Webhook-Id': webhookId } : {}), ...(signature !== undefined ? { 'X-Webhook-Signature': signature } : {}), ...extra.headers },
  });
}

function githubCall(body: unknown, signature: string | undefined, extra: CallOptions = {}) {
  const raw = JSON.stringify(body);
  return call('POST', '/v1/github/events', {
    ...extra,
    rawBody: raw,
    headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': `d-${ulid()}`, ...(signature !== undefined ? { 'X-Hub-Signature-256': signature } : {}), ...extra.headers },
  });
}

beforeAll(async () => {
  issuer = await startJwtIssuer();
  tb = await startApiTestbed({
    // Sessions never end on their own: tasks stay RUNNING (nudges apply) and nothing moves once quiet.
    platform: { testCompute: { script: () => ({ behaviour: 'hang' }) } },
    api: { jwt: issuer.config, githubWebhookSecret: GITHUB_SECRET },
  });
  await Promise.all(['alice', 'bob', 'admin'].map((u) => tb.keyOf(u)));
  for (const user of ['alice', 'bob'] as const) {
    const taskId = await freshResource('task', user);
    const hook = await createWebhook(user);
    const key = await createKey(user);
    owned[user] = { taskId, webhookId: hook.id, webhookSecret: hook.secret, keyId: key.id };
  }
  // A second task per user (so lists can page), a revoked key and a revoked webhook of alice's.
  await freshResource('task', 'alice');
  await freshResource('task', 'bob');
  const doomedKey = await createKey('alice');
  expectOk(await call('DELETE', `/v1/api-keys/${doomedKey.id}`, { user: 'alice' }), 200);
  revokedKey = doomedKey.key;
  revokedWebhook = await createWebhook('alice');
  expectOk(await call('DELETE', `/v1/webhooks/${revokedWebhook.id}`, { user: 'alice' }), 200);
  for (const user of ['alice', 'bob'] as const) {
    await waitUntil(async () => (await call('GET', `/v1/tasks/${owned[user].taskId}`, { user })).body?.data?.status === 'RUNNING', 30_000, `${user}'s task RUNNING`);
  }
  await tb.platform.quiesce();
});

afterAll(async () => {
  await tb?.stop();
  await issuer?.stop();
});

describe('the matrix', () => {
  it('has an entry for every route of ALL_ROUTES (and none for a route that does not exist)', () => {
    const routes = ALL_ROUTES.map(nameOf);
    expect(routes.filter((r) => !(r in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => !routes.includes(k))).toEqual([]);
  });

  it('classifies every route with the authentication the route declares', () => {
    const wrong = ALL_ROUTES.filter((r) => MATRIX[nameOf(r)] && AUTH_OF_KIND[MATRIX[nameOf(r)]!.kind] !== r.auth).map(nameOf);
    expect(wrong).toEqual([]);
  });

  it('names a resource exactly for the routes with a path parameter', () => {
    const wrong = ALL_ROUTES.filter((r) => MATRIX[nameOf(r)] && /\{[a-z_]+\}/.test(r.path) !== (MATRIX[nameOf(r)]!.resource !== undefined)).map(nameOf);
    expect(wrong).toEqual([]);
  });
});

describe.each(ALL_ROUTES.map((r) => [nameOf(r), r] as const))('%s', (name, route) => {
  const entry = MATRIX[name];
  if (!entry) {
    it('is in the matrix', () => expect(MATRIX).toHaveProperty([name]));
    return;
  }
  const aliceIdFor = () => (entry.resource ? ownedId('alice', entry.resource) : undefined);

  if (route.auth !== 'none') {
    const badCredentials: Array<[string, () => CallOptions]> = [
      ['no credentials', () => ({})],
      ['an empty X-API-Key', () => ({ key: '' })],
      ['a garbage X-API-Key', () => ({ key: 'garbage' })],
      ['a well-formed but unknown key', () => ({ key: `bgak_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}` })],
      ['a revoked key', () => ({ key: revokedKey })],
      ['a garbage bearer token', () => ({ headers: { Authorization: 'Bearer not.a.jwt' } })],
      ['an empty Authorization header', () => ({ headers: { Authorization: '' } })],
    ];
    it.each(badCredentials)('answers 401 UNAUTHORIZED to %s and writes nothing', async (_what, options) => {
      const o = options();
      const res = await withoutWrites(() => call(route.method, pathOf(route, aliceIdFor()), { ...o, body: entry.body?.() }));
      expectError(res, 401, 'UNAUTHORIZED');
    });

    it("answers 401 to alice's key with a tampered secret and writes nothing", async () => {
      const key = await tb.keyOf('alice');
      const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      const res = await withoutWrites(() => call(route.method, pathOf(route, aliceIdFor()), { key: tampered, body: entry.body?.() }));
      expectError(res, 401, 'UNAUTHORIZED');
    });
  }

  if (entry.resource) {
    const resource = entry.resource;
    const code = NOT_FOUND_CODE[resource];
    it.each([
      ['bob', 'alice'],
      ['alice', 'bob'],
    ] as const)(`answers %s ${code} on %s's ${resource}, exactly as for an id that does not exist, and writes nothing`, async (caller, owner) => {
      const theirs = ownedId(owner, resource);
      const nothing = missingId(resource);
      const other = await withoutWrites(() => call(route.method, pathOf(route, theirs), { user: caller, body: entry.body?.() }));
      const missing = await withoutWrites(() => call(route.method, pathOf(route, nothing), { user: caller, body: entry.body?.() }));
      expectError(other, 404, code);
      expectError(missing, 404, code);
      expect(other.body.error.message.replaceAll(theirs, '<id>')).toBe(missing.body.error.message.replaceAll(nothing, '<id>'));
      expect(headerNames(other)).toEqual(headerNames(missing));
      // The owner's view of a missing id is the same answer again.
      const ownersMissing = await withoutWrites(() => call(route.method, pathOf(route, nothing), { user: owner, body: entry.body?.() }));
      expect(ownersMissing.status).toBe(404);
      expect(ownersMissing.body.error.message).toBe(missing.body.error.message);
    });
  }

  if (route.auth === 'admin') {
    it.each(['alice', 'bob'])('answers 403 FORBIDDEN to %s (not an administrator) and writes nothing', async (user) => {
      const res = await withoutWrites(() => call(route.method, pathOf(route), { user, body: entry.body?.() }));
      expectError(res, 403, 'FORBIDDEN');
    });
  }

  if (entry.kind === 'signed-webhook') {
    it('refuses unsigned, mis-signed, unknown and revoked senders and writes nothing', async () => {
      const body = entry.body!();
      const alice = owned.alice;
      const cases: Array<[string, () => Promise<ApiCallResult>, number, keyof typeof ERROR_STATUS]> = [
        ['no webhook headers', () => webhookCall(undefined, undefined, body), 401, 'UNAUTHORIZED'],
        ["only alice's API key", () => webhookCall(undefined, undefined, body, { user: 'alice' }), 401, 'UNAUTHORIZED'],
        ["alice's id without a signature", () => webhookCall(alice.webhookId, undefined, body), 401, 'UNAUTHORIZED'],
        ["alice's id signed with bob's secret", () => webhookCall(alice.webhookId, signBody(owned.bob.webhookSecret, JSON.stringify(body)), body), 401, 'UNAUTHORIZED'],
        ["alice's id signed over another body", () => webhookCall(alice.webhookId, signBody(alice.webhookSecret, '{}'), body), 401, 'UNAUTHORIZED'],
        ["alice's id with a malformed signature", () => webhookCall(alice.webhookId, 'sha256=zz', body), 401, 'UNAUTHORIZED'],
        ['an unknown webhook id', () => webhookCall(missingId('webhook'), signBody(alice.webhookSecret, JSON.stringify(body)), body), 403, 'FORBIDDEN'],
        ["alice's revoked webhook, correctly signed", () => webhookCall(revokedWebhook.id, signBody(revokedWebhook.secret, JSON.stringify(body)), body), 403, 'FORBIDDEN'],
      ];
      for (const [what, send, status, code] of cases) {
        const res = await withoutWrites(send);
        try {
          expectError(res, status, code);
        } catch (err) {
          throw new Error(`${what}: ${(err as Error).message}`);
        }
      }
    });
  }

  if (entry.kind === 'signed-github') {
    it('refuses unsigned and mis-signed deliveries and writes nothing', async () => {
      const body = entry.body!();
      for (const signature of [undefined, signBody('another secret', JSON.stringify(body)), signBody(GITHUB_SECRET, '{}'), 'sha256=', 'garbage']) {
        expectError(await withoutWrites(() => githubCall(body, signature)), 401, 'UNAUTHORIZED');
        expectError(await withoutWrites(() => githubCall(body, signature, { user: 'alice' })), 401, 'UNAUTHORIZED');
      }
    });
  }

  it(`succeeds (${entry.ok}) for its owner`, async () => {
    let res: ApiCallResult;
    if (entry.kind === 'signed-webhook') {
      const body = entry.body!();
      res = await webhookCall(owned.alice.webhookId, signBody(owned.alice.webhookSecret, JSON.stringify(body)), body);
      expectOk(res, entry.ok);
      const taskId = res.body.data.task_id as string;
      created.alice.task.add(taskId);
      // The task is alice's (the webhook's owner), from the webhook channel; bob cannot see it.
      const got = await call('GET', `/v1/tasks/${taskId}`, { user: 'alice' });
      expectOk(got, 200);
      expect(got.body.data.channel_source).toBe('webhook');
      expectError(await withoutWrites(() => call('GET', `/v1/tasks/${taskId}`, { user: 'bob' })), 404, 'TASK_NOT_FOUND');
      return;
    }
    if (entry.kind === 'signed-github') {
      res = await githubCall(entry.body!(), signBody(GITHUB_SECRET, JSON.stringify(entry.body!())));
      expectOk(res, entry.ok);
      expect(res.body.data.status).toBe('pong');
      return;
    }
    const user = entry.kind === 'admin' ? 'admin' : entry.kind === 'public' ? undefined : 'alice';
    const id = entry.resource ? (entry.consumes ? await freshResource(entry.resource, 'alice') : ownedId('alice', entry.resource)) : undefined;
    res = await call(route.method, pathOf(route, id), { user, body: entry.body?.() });
    expectOk(res, entry.ok);
    if (route.method === 'POST' && route.path === '/v1/tasks') {
      expect(schemaProblems('TaskDetail', res.body.data)).toEqual([]);
      created.alice.task.add(res.body.data.task_id);
    }
    if (route.method === 'POST' && route.path === '/v1/webhooks') created.alice.webhook.add(res.body.data.webhook_id);
    if (route.method === 'POST' && route.path === '/v1/api-keys') created.alice.api_key.add(res.body.data.key_id);
    if (route.path === '/v1/tasks/{task_id}' && route.method === 'GET') expect(schemaProblems('TaskDetail', res.body.data)).toEqual([]);
  });
});

describe('lists', () => {
  const LISTS = [
    ['/v1/tasks?limit=100', 'task', 'task_id'],
    ['/v1/webhooks?limit=100', 'webhook', 'webhook_id'],
    ['/v1/api-keys?limit=100', 'api_key', 'key_id'],
  ] as const;

  it.each(LISTS)("%s never shows another user's items, and shows the caller's own", async (path, kind, idField) => {
    for (const [me, them] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
    ] as const) {
      // Lists are views (eventually consistent): wait until every item of mine shows.
      const mine = await waitUntil(
        async () => {
          const res = await call('GET', path, { user: me });
          expectOk(res, 200);
          const ids = new Set<string>(res.body.data.map((i: Record<string, string>) => i[idField]));
          return [...created[me][kind]].every((id) => ids.has(id)) ? ids : undefined;
        },
        20_000,
        `${me}'s ${kind} list`,
      );
      expect([...created[them][kind]].filter((id) => mine.has(id))).toEqual([]);
    }
  });

  it('never lists secrets', async () => {
    for (const path of ['/v1/webhooks', '/v1/api-keys']) {
      const res = await call('GET', path, { user: 'alice' });
      expectOk(res, 200);
      for (const item of res.body.data) expect(Object.keys(item).filter((k) => ['secret', 'api_key', 'secret_hash'].includes(k))).toEqual([]);
    }
  });

  it("filters of the task list stay within the caller's tasks", async () => {
    const res = await call('GET', `/v1/tasks?status=RUNNING,SUBMITTED,QUEUED,HYDRATING,CANCELLED&repo=${TEST_REPO}&limit=100`, { user: 'bob' });
    expectOk(res, 200);
    const ids: string[] = res.body.data.map((t: { task_id: string }) => t.task_id);
    expect(ids.filter((id) => created.alice.task.has(id))).toEqual([]);
    expect(ids).toContain(owned.bob.taskId);
  });

  it.each(['/v1/tasks', '/v1/webhooks', '/v1/api-keys'])("refuses alice's page token of %s to bob (400) and writes nothing", async (path) => {
    const page = await call('GET', `${path}?limit=1`, { user: 'alice' });
    expectOk(page, 200);
    const token = page.body.pagination.next_token as string;
    expect(typeof token).toBe('string');
    const res = await withoutWrites(() => call('GET', `${path}?limit=1&next_token=${encodeURIComponent(token)}`, { user: 'bob' }));
    expectError(res, 400, 'VALIDATION_ERROR');
    // alice herself may use it.
    expectOk(await call('GET', `${path}?limit=1&next_token=${encodeURIComponent(token)}`, { user: 'alice' }), 200);
  });

  it('shows onboarded repositories to every user (they are not per user)', async () => {
    for (const user of ['alice', 'bob']) {
      const res = await call('GET', '/v1/repos', { user });
      expectOk(res, 200);
      expect(res.body.data.map((r: { repo: string }) => r.repo)).toContain(TEST_REPO);
    }
  });
});

describe('JWT authentication (local JWKS issuer)', () => {
  const ERIN = 'jwt-erin';
  let erinsTask: string;

  it('a valid token acts as its sub, with "Bearer " and bare', async () => {
    const token = issuer.token(ERIN);
    const createdRes = await call('POST', '/v1/tasks', { headers: { Authorization: `Bearer ${token}` }, body: { repo: TEST_REPO, task_description: 'from a JWT user' } });
    expectOk(createdRes, 201);
    erinsTask = createdRes.body.data.task_id;
    for (const authorization of [`Bearer ${token}`, token, `bearer ${token}`]) {
      expectOk(await call('GET', `/v1/tasks/${erinsTask}`, { headers: { Authorization: authorization } }), 200);
    }
    const list = await waitUntil(async () => {
      const res = await call('GET', '/v1/tasks', { headers: { Authorization: token } });
      return res.body?.data?.some((t: { task_id: string }) => t.task_id === erinsTask) ? res : undefined;
    });
    expect(list.body.data.every((t: { task_id: string }) => !created.alice.task.has(t.task_id) && !created.bob.task.has(t.task_id))).toBe(true);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const other = newRsaKey();
  const BAD_TOKENS: Array<[string, () => string]> = [
    ['expired', () => issuer.token(ERIN, { claims: { iat: now() - 7200, exp: now() - 3600 } })],
    ['not yet valid (nbf in an hour)', () => issuer.token(ERIN, { claims: { nbf: now() + 3600 } })],
    ['from another issuer', () => issuer.token(ERIN, { claims: { iss: 'http://127.0.0.1:1/evil' } })],
    ['signed with another key (same kid)', () => issuer.token(ERIN, { key: other.privateKey })],
    ['signed with another key (unknown kid)', () => issuer.token(ERIN, { key: other.privateKey, header: { kid: 'rotated-away' } })],
    [
      'with a tampered payload (sub changed, signature kept)',
      () => {
        const [h, , s] = issuer.token(ERIN).split('.');
        return `${h}.${b64url(JSON.stringify({ iss: issuer.issuer, sub: 'alice', iat: now(), exp: now() + 3600 }))}.${s}`;
      },
    ],
    ['alg: none, no signature', () => `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ iss: issuer.issuer, sub: ERIN, exp: now() + 3600 }))}.`],
    ['alg: none, without the last dot', () => `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ iss: issuer.issuer, sub: ERIN, exp: now() + 3600 }))}`],
    ['alg: none with the valid signature of another token', () => `${b64url(JSON.stringify({ alg: 'none', kid: 'test-key-1' }))}.${b64url(JSON.stringify({ iss: issuer.issuer, sub: ERIN, exp: now() + 3600 }))}.${issuer.token(ERIN).split('.')[2]}`],
    ['HS256 keyed with the public key (algorithm confusion)', () => signHs256({ alg: 'HS256', typ: 'JWT', kid: 'test-key-1' }, { iss: issuer.issuer, sub: ERIN, iat: now(), exp: now() + 3600 }, issuer.publicKeyPem)],
    ['without sub', () => issuer.token('', { claims: { sub: undefined } })],
    ['with an empty sub', () => issuer.token('')],
    ['RS256 over a payload with an issuer-less claim set', () => signRs256({ alg: 'RS256', kid: 'test-key-1' }, { sub: ERIN, exp: now() + 3600 }, other.privateKey)],
    ['not a JWT', () => 'definitely-not-a-token'],
  ];

  it.each(BAD_TOKENS)('refuses a token %s with 401, "Bearer " and bare, and writes nothing', async (_what, make) => {
    const token = make();
    for (const authorization of [`Bearer ${token}`, token]) {
      // A create: had the token been accepted, it would have written a task.
      const res = await withoutWrites(() => call('POST', '/v1/tasks', { headers: { Authorization: authorization }, body: { repo: TEST_REPO, task_description: 'should never exist' } }));
      expectError(res, 401, 'UNAUTHORIZED');
    }
  });

  it('JWT users and API-key users are separate users: 404 across, both ways, and no writes', async () => {
    const token = issuer.token(ERIN);
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['DELETE', '', undefined],
      ['POST', '/nudge', { message: 'hello' }],
      ['GET', '/events', undefined],
    ] as const) {
      for (const user of ['alice', 'bob']) {
        expectError(await withoutWrites(() => call(method, `/v1/tasks/${erinsTask}${suffix}`, { user, body })), 404, 'TASK_NOT_FOUND');
      }
      expectError(await withoutWrites(() => call(method, `/v1/tasks/${owned.alice.taskId}${suffix}`, { headers: { Authorization: `Bearer ${token}` }, body })), 404, 'TASK_NOT_FOUND');
    }
    expectError(await withoutWrites(() => call('DELETE', `/v1/webhooks/${owned.alice.webhookId}`, { headers: { Authorization: token } })), 404, 'WEBHOOK_NOT_FOUND');
    expectError(await withoutWrites(() => call('DELETE', `/v1/api-keys/${owned.alice.keyId}`, { headers: { Authorization: token } })), 404, 'API_KEY_NOT_FOUND');
  });

  it('an API key created with a JWT acts as the same user as the JWT', async () => {
    const token = issuer.token(ERIN);
    const key = await call('POST', '/v1/api-keys', { headers: { Authorization: `Bearer ${token}` }, body: { name: 'erin cli' } });
    expectOk(key, 201);
    expectOk(await call('GET', `/v1/tasks/${erinsTask}`, { key: key.body.data.api_key }), 200);
  });

  it('X-API-Key wins over Authorization: a bad key is refused even with a valid token', async () => {
    const res = await withoutWrites(() => call('POST', '/v1/tasks', { key: 'garbage', headers: { Authorization: `Bearer ${issuer.token(ERIN)}` }, body: { repo: TEST_REPO, task_description: 'never' } }));
    expectError(res, 401, 'UNAUTHORIZED');
  });
});
