/**
 * Contract of webhooks, API keys, repositories and GitHub events over real HTTP: secrets shown
 * once, HMAC-signed task creation (tampered body, wrong secret, revoked webhook, replayed delivery),
 * key revocation, admin-only onboarding, and GitHub deliveries with GitHub's real payloads.
 */
import examples from '@octokit/webhooks-examples/api.github.com/index.json';
import { signBody } from '../../services/kernel/hmac-signature';
import { startApiTestbed, schemaProblems, type ApiTestbed } from '../support/api';
import { TEST_REPO, waitUntil } from '../support/platform';

const GITHUB_SECRET = 'github-webhook-secret-for-tests';
let t: ApiTestbed;

beforeAll(async () => {
  t = await startApiTestbed({ platform: { testCompute: { script: () => ({ behaviour: 'hang' }) }, admission: { maxActiveTasks: 50 } }, api: { githubWebhookSecret: GITHUB_SECRET } });
}, 60_000);
afterAll(async () => t?.stop(), 30_000);

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(schemaProblems('ErrorResponse', res.body)).toEqual([]);
}

async function taskStreams(): Promise<number> {
  let n = 0;
  for await (const _ of t.platform.store.listStreams('Task')) n += 1;
  return n;
}

describe('webhooks', () => {
  let webhookId: string;
  let secret: string;

  const signed = (body: string, headers: Record<string, string> = {}, key = secret) =>
    t.call('POST', '/v1/webhooks/tasks', { rawBody: body, headers: { 'Content-Type': 'application/json', 'X-Webhook-Id': webhookId, 'X-Webhook-Signature': signBody(key, body), ...headers } });

  test('create: 201 with a 64-hex secret shown once; the list shows the webhook without its secret', async () => {
    const res = await t.call('POST', '/v1/webhooks', { user: 'olga', body: { name: 'CI pipeline' } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ webhook_id: expect.any(String), name: 'CI pipeline', secret: expect.stringMatching(/^[0-9a-f]{64}$/), status: 'active' });
    ({ webhook_id: webhookId, secret } = res.body.data);
    const list = await waitUntil(async () => {
      const r = await t.call('GET', '/v1/webhooks', { user: 'olga' });
      return r.body.data.length > 0 ? r : undefined;
    }, 10_000, 'the webhook in the list');
    expect(list.body.data).toEqual([expect.objectContaining({ webhook_id: webhookId, name: 'CI pipeline', status: 'active', revoked_at: null })]);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expectError(await t.call('POST', '/v1/webhooks', { user: 'olga', body: { name: '-bad name-' } }), 400, 'VALIDATION_ERROR');
  });

  test('a signed request creates a task owned by the webhook owner, channel webhook', async () => {
    const res = await signed(JSON.stringify({ repo: TEST_REPO, task_description: 'From CI' }));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ channel_source: 'webhook', task_description: 'From CI' });
    expect((await t.call('GET', `/v1/tasks/${res.body.data.task_id}`, { user: 'olga' })).status).toBe(200);
  });

  test('a replayed delivery (same Idempotency-Key) finds the first task instead of creating another', async () => {
    const body = JSON.stringify({ repo: TEST_REPO, task_description: 'Nightly' });
    const first = await signed(body, { 'Idempotency-Key': 'delivery-7' });
    const before = await taskStreams();
    const replay = await signed(body, { 'Idempotency-Key': 'delivery-7' });
    expect([first.status, replay.status]).toEqual([201, 200]);
    expect(replay.headers.get('idempotent-replay')).toBe('true');
    expect(replay.body.data.task_id).toBe(first.body.data.task_id);
    expect(await taskStreams()).toBe(before);
  });

  test('tampered body or wrong secret → 401; unknown webhook → 403; nothing written', async () => {
    const before = await taskStreams();
    const body = JSON.stringify({ repo: TEST_REPO, task_description: 'x' });
    const tampered = await t.call('POST', '/v1/webhooks/tasks', { rawBody: body.replace('"x"', '"y"'), headers: { 'Content-Type': 'application/json', 'X-Webhook-Id': webhookId, 'X-Webhook-Signature': signBody(secret, body) } });
    expectError(tampered, 401, 'UNAUTHORIZED');
    expectError(await signed(body, {}, 'f'.repeat(64)), 401, 'UNAUTHORIZED');
    expectError(await signed(body, { 'X-Webhook-Signature': 'sha256=zz' }), 401, 'UNAUTHORIZED');
    expectError(await signed(body, { 'X-Webhook-Id': 'ffffffffffffffff' }), 403, 'FORBIDDEN');
    expectError(await t.call('POST', '/v1/webhooks/tasks', { rawBody: body, headers: { 'Content-Type': 'application/json' } }), 401, 'UNAUTHORIZED');
    expect(await taskStreams()).toBe(before);
  });

  test('revoke: 200, then the webhook is refused (403); revoking again → 409; another user → 404', async () => {
    expectError(await t.call('DELETE', `/v1/webhooks/${webhookId}`, { user: 'pete' }), 404, 'WEBHOOK_NOT_FOUND');
    const res = await t.call('DELETE', `/v1/webhooks/${webhookId}`, { user: 'olga' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ webhook_id: webhookId, status: 'revoked' });
    expectError(await signed(JSON.stringify({ repo: TEST_REPO, task_description: 'x' })), 403, 'FORBIDDEN');
    expectError(await t.call('DELETE', `/v1/webhooks/${webhookId}`, { user: 'olga' }), 409, 'WEBHOOK_ALREADY_REVOKED');
  });
});

describe('API keys', () => {
  test('create (shown once) → it authenticates; list; revoke → 401 from then on; another user cannot revoke it', async () => {
    const created = await t.call('POST', '/v1/api-keys', { user: 'quinn', body: { name: 'laptop' } });
    expect(created.status).toBe(201);
    const { key_id, api_key } = created.body.data;
    expect(api_key).toMatch(new RegExp(`^bgak_${key_id}_[A-Za-z0-9_-]+$`));
    expect((await t.call('GET', '/v1/tasks', { key: api_key })).status).toBe(200);
    const list = await waitUntil(async () => {
      const r = await t.call('GET', '/v1/api-keys', { key: api_key });
      return r.body.data.some((k: any) => k.key_id === key_id) ? r : undefined;
    }, 10_000, 'the key in the list');
    expect(JSON.stringify(list.body)).not.toContain(api_key.slice(`bgak_${key_id}_`.length));
    expectError(await t.call('DELETE', `/v1/api-keys/${key_id}`, { user: 'rita' }), 404, 'API_KEY_NOT_FOUND');
    expect((await t.call('DELETE', `/v1/api-keys/${key_id}`, { user: 'quinn' })).status).toBe(200);
    expectError(await t.call('GET', '/v1/tasks', { key: api_key }), 401, 'UNAUTHORIZED');
    expectError(await t.call('DELETE', `/v1/api-keys/${key_id}`, { user: 'quinn' }), 409, 'API_KEY_ALREADY_REVOKED');
  });
});

describe('repositories', () => {
  test('anyone lists onboarded repositories; only an admin onboards; bad config → 400 naming the field', async () => {
    const list = await t.call('GET', '/v1/repos', { user: 'sam' });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ repo: TEST_REPO, status: 'ONBOARDED', config: expect.objectContaining({ triggerLabel: expect.any(String) }) })]);
    expectError(await t.call('POST', '/v1/repos', { user: 'sam', body: { repo: 'acme/new' } }), 403, 'FORBIDDEN');
    const bad = await t.call('POST', '/v1/repos', { user: 'admin', body: { repo: 'acme/new', config: { maxTurns: 9999 } } });
    expectError(bad, 400, 'VALIDATION_ERROR');
    expect(bad.body.error.message).toMatch(/maxTurns/);
    const ok = await t.call('POST', '/v1/repos', { user: 'admin', body: { repo: 'acme/new', config: { maxTurns: 30 } } });
    expect(ok.status).toBe(201);
    expect(ok.body.data).toMatchObject({ repo: 'acme/new', status: 'ONBOARDED', config: expect.objectContaining({ maxTurns: 30 }) });
    expect((await t.call('POST', '/v1/repos', { user: 'admin', body: { repo: 'acme/new', config: { maxTurns: 30 } } })).status).toBe(200);
  });
});

describe('GitHub events', () => {
  type Example = Record<string, any>;
  const of = (name: string): Example[] => (examples as Array<{ name: string; examples: Example[] }>).find((e) => e.name === name)!.examples;
  const [owner, name] = TEST_REPO.split('/') as [string, string];
  /** GitHub's example payload, moved to our onboarded repository. */
  const onOurRepo = (p: Example): Example => ({ ...p, repository: { ...p.repository, name, full_name: TEST_REPO, owner: { ...p.repository.owner, login: owner } } });
  const labeled = onOurRepo({ ...of('issues').find((e) => e.action === 'labeled')!, label: { name: 'bgagent' } });
  const comment = onOurRepo(of('issue_comment').find((e) => e.action === 'created')!);

  const deliver = (event: string, payload: unknown, delivery: string, secret = GITHUB_SECRET) => {
    const body = JSON.stringify(payload);
    return t.call('POST', '/v1/github/events', { rawBody: body, headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': event, 'X-GitHub-Delivery': delivery, 'X-Hub-Signature-256': signBody(secret, body) } });
  };

  test('an issue labelled with the trigger label creates a task for the GitHub user; a redelivery finds it', async () => {
    const res = await deliver('issues', labeled, 'a1b2c3d4-0000-0000-0000-000000000001');
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ repo: TEST_REPO, issue_number: labeled.issue.number, channel_source: 'webhook', task_description: null });
    const again = await deliver('issues', labeled, 'a1b2c3d4-0000-0000-0000-000000000001');
    expect(again.status).toBe(200);
    expect(again.body.data.task_id).toBe(res.body.data.task_id);
  });

  test('an @bgagent comment creates a task with the instruction; other comments and events are ignored (202)', async () => {
    const res = await deliver('issue_comment', { ...comment, comment: { ...comment.comment, body: '@bgagent add a unit test for parse()' } }, 'a1b2c3d4-0000-0000-0000-000000000002');
    expect(res.status).toBe(201);
    expect(res.body.data.task_description).toBe('add a unit test for parse()');
    const ignored = await deliver('issue_comment', comment, 'a1b2c3d4-0000-0000-0000-000000000003');
    expect(ignored.status).toBe(202);
    expect(ignored.body.data).toEqual({ status: 'ignored', reason: 'the comment does not start with @bgagent' });
    expect((await deliver('ping', of('ping')[0], 'a1b2c3d4-0000-0000-0000-000000000004')).body.data).toEqual({ status: 'pong' });
  });

  test('a wrong signature → 401 and nothing written', async () => {
    const before = await taskStreams();
    expectError(await deliver('issues', labeled, 'a1b2c3d4-0000-0000-0000-000000000005', 'wrong-secret'), 401, 'UNAUTHORIZED');
    expect(await taskStreams()).toBe(before);
  });
});
