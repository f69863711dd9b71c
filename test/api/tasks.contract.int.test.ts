/**
 * Contract of the task endpoints (docs/API.md "Tasks") over real HTTP against the embedded platform:
 * status codes, bodies valid against schemas/api, the error envelope and codes, X-Request-Id,
 * Idempotency-Key, pagination, and that a refused request writes nothing.
 */
import { startApiTestbed, schemaProblems, type ApiTestbed } from '../support/api';
import { TEST_REPO, waitUntil } from '../support/platform';

let t: ApiTestbed;

beforeAll(async () => {
  // Sessions hang until stopped, so tasks stay in flight (cancel, nudge) unless the test ends them.
  t = await startApiTestbed({ platform: { testCompute: { script: () => ({ behaviour: 'hang' }) }, admission: { maxActiveTasks: 50 } } });
}, 60_000);
afterAll(async () => t?.stop(), 30_000);

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * What a request wrote: events it caused (causationId = its request id) and the number of task
 * streams. Other tasks keep moving in the background, so the whole store is not a fixed point.
 */
async function writes(): Promise<{ readonly causes: ReadonlySet<string>; readonly taskStreams: number }> {
  const causes = new Set<string>();
  let taskStreams = 0;
  for await (const e of t.platform.store.readAll()) {
    causes.add(e.causationId);
    if (e.stream.type === 'Task' && e.sequence === 1) taskStreams += 1;
  }
  return { causes, taskStreams };
}

/** Runs the refused requests and checks that none of them wrote anything. */
async function expectNothingWritten(run: () => Promise<ReadonlyArray<{ headers: Headers }>>): Promise<void> {
  const before = await writes();
  const responses = await run();
  const after = await writes();
  expect(after.taskStreams).toBe(before.taskStreams);
  for (const r of responses) expect(after.causes.has(r.headers.get('x-request-id')!)).toBe(false);
}

async function create(user: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return t.call('POST', '/v1/tasks', { user, body: { repo: TEST_REPO, task_description: 'Add a badge', ...body }, headers });
}

function expectError(res: { status: number; body: any; headers: Headers }, status: number, code: string, message?: RegExp) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(schemaProblems('ErrorResponse', res.body)).toEqual([]);
  expect(res.body.error.request_id).toBe(res.headers.get('x-request-id'));
  if (message) expect(res.body.error.message).toMatch(message);
}

describe('POST /v1/tasks', () => {
  test('201 with a TaskDetail (absent values null), Location and a request id', async () => {
    const res = await create('alice', { max_turns: 7, max_budget_usd: 2.5, model_id: 'claude-test' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toMatch(ULID);
    expect(schemaProblems('TaskDetail', res.body.data)).toEqual([]);
    expect(res.body.data).toMatchObject({ status: 'SUBMITTED', repo: TEST_REPO, task_description: 'Add a badge', max_turns: 7, max_budget_usd: 2.5, channel_source: 'api', pr_url: null, error_classification: null });
    expect(res.headers.get('location')).toBe(`/v1/tasks/${res.body.data.task_id}`);
  });

  test.each([
    ['no repo', { task_description: 'x' }, /body\.repo is required/],
    ['neither description nor issue', { repo: TEST_REPO }, /task_description or issue_number/],
    ['max_turns over 500', { repo: TEST_REPO, task_description: 'x', max_turns: 501 }, /body\.max_turns must be <= 500/],
    ['budget under 0.01', { repo: TEST_REPO, task_description: 'x', max_budget_usd: 0 }, /max_budget_usd/],
    ['a bad repo name', { repo: '../etc', task_description: 'x' }, /body\.repo must match pattern/],
    ['an unknown field', { repo: TEST_REPO, task_description: 'x', priority: 'high' }, /body\.priority is not allowed/],
    ['a description over 10,000 characters', { repo: TEST_REPO, task_description: 'x'.repeat(10_001) }, /task_description/],
    ['an issue number that is not an integer', { repo: TEST_REPO, issue_number: 1.5 }, /issue_number must be integer/],
  ])('400 VALIDATION_ERROR for %s, naming the field; nothing written', async (_name, body, message) => {
    await expectNothingWritten(async () => {
      const res = await t.call('POST', '/v1/tasks', { user: 'alice', body });
      expectError(res, 400, 'VALIDATION_ERROR', message);
      return [res];
    });
  });

  test('400 for a body that is not JSON, not an object, empty, or not application/json; 413 over 1 MB', async () => {
    const json = { 'Content-Type': 'application/json' };
    await expectNothingWritten(async () => {
      const responses = [
        await t.call('POST', '/v1/tasks', { user: 'alice', rawBody: '{"repo":', headers: json }),
        await t.call('POST', '/v1/tasks', { user: 'alice', rawBody: '[1,2]', headers: json }),
        await t.call('POST', '/v1/tasks', { user: 'alice', rawBody: '', headers: json }),
        await t.call('POST', '/v1/tasks', { user: 'alice', rawBody: '{}', headers: { 'Content-Type': 'text/plain' } }),
        await t.call('POST', '/v1/tasks', { user: 'alice', rawBody: `{"repo":"${'a'.repeat(1024 * 1024 + 10)}"}`, headers: json }),
      ];
      expectError(responses[0]!, 400, 'VALIDATION_ERROR', /not valid JSON/);
      expectError(responses[1]!, 400, 'VALIDATION_ERROR', /JSON object/);
      expectError(responses[2]!, 400, 'VALIDATION_ERROR', /empty/);
      expectError(responses[3]!, 400, 'VALIDATION_ERROR', /Content-Type/);
      expectError(responses[4]!, 413, 'PAYLOAD_TOO_LARGE');
      return responses;
    });
  });

  test('422 REPO_NOT_ONBOARDED for a repository that is not onboarded; nothing written', async () => {
    await expectNothingWritten(async () => {
      const res = await create('alice', { repo: 'acme/unknown' });
      expectError(res, 422, 'REPO_NOT_ONBOARDED', /acme\/unknown/);
      return [res];
    });
  });

  test('Idempotency-Key: the same user gets 200 + Idempotent-Replay with the same task; another user 409; a bad key 400', async () => {
    const first = await create('alice', {}, { 'Idempotency-Key': 'deploy-42' });
    expect(first.status).toBe(201);
    const again = await create('alice', { task_description: 'something else' }, { 'Idempotency-Key': 'deploy-42' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replay')).toBe('true');
    expect(again.body.data.task_id).toBe(first.body.data.task_id);
    expect(again.body.data.task_description).toBe('Add a badge');
    await t.keyOf('bob');
    await expectNothingWritten(async () => {
      const duplicate = await create('bob', {}, { 'Idempotency-Key': 'deploy-42' });
      const badKey = await create('alice', {}, { 'Idempotency-Key': 'not valid!' });
      expectError(duplicate, 409, 'DUPLICATE_TASK');
      expectError(badKey, 400, 'VALIDATION_ERROR', /Idempotency-Key/);
      return [duplicate, badKey];
    });
  });
});

describe('GET /v1/tasks and /v1/tasks/{id}', () => {
  test('a user lists their own tasks, newest first, filtered by status and repo, in pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create('carol', { task_description: `task ${i}` })).body.data.task_id);
    await waitUntil(async () => ((await t.call('GET', '/v1/tasks?limit=100', { user: 'carol' })).body.data.length === 5 ? true : undefined), undefined, 'the task view');

    const page1 = await t.call('GET', '/v1/tasks?limit=2', { user: 'carol' });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((d: any) => d.task_id)).toEqual([ids[4], ids[3]]);
    for (const d of page1.body.data) expect(schemaProblems('TaskDetail', d)).toEqual([]);
    expect(page1.body.pagination).toEqual({ next_token: expect.any(String), has_more: true });
    const page2 = await t.call('GET', `/v1/tasks?limit=2&next_token=${encodeURIComponent(page1.body.pagination.next_token)}`, { user: 'carol' });
    expect(page2.body.data.map((d: any) => d.task_id)).toEqual([ids[2], ids[1]]);
    const page3 = await t.call('GET', `/v1/tasks?limit=2&next_token=${encodeURIComponent(page2.body.pagination.next_token)}`, { user: 'carol' });
    expect(page3.body.data.map((d: any) => d.task_id)).toEqual([ids[0]]);
    expect(page3.body.pagination).toEqual({ next_token: null, has_more: false });

    const none = await t.call('GET', `/v1/tasks?status=COMPLETED,FAILED&repo=${TEST_REPO}`, { user: 'carol' });
    expect(none.body.data).toEqual([]);
    const other = await t.call('GET', '/v1/tasks?repo=acme/other', { user: 'carol' });
    expect(other.body.data).toEqual([]);
  });

  test('a page token cannot be forged, changed, or used by another user or with other filters', async () => {
    const page = await t.call('GET', '/v1/tasks?limit=1', { user: 'carol' });
    const token = encodeURIComponent(page.body.pagination.next_token);
    expectError(await t.call('GET', `/v1/tasks?limit=1&next_token=${token}`, { user: 'dave' }), 400, 'VALIDATION_ERROR', /next_token/);
    expectError(await t.call('GET', `/v1/tasks?limit=1&status=RUNNING&next_token=${token}`, { user: 'carol' }), 400, 'VALIDATION_ERROR', /next_token/);
    const forged = Buffer.from(JSON.stringify({ v: 1, k: 'user', s: 'carol', a: 'x' })).toString('base64url');
    expectError(await t.call('GET', `/v1/tasks?next_token=${forged}`, { user: 'carol' }), 400, 'VALIDATION_ERROR', /next_token/);
  });

  test('bad list parameters → 400 naming them', async () => {
    expectError(await t.call('GET', '/v1/tasks?status=DONE', { user: 'carol' }), 400, 'VALIDATION_ERROR', /status must be/);
    expectError(await t.call('GET', '/v1/tasks?limit=101', { user: 'carol' }), 400, 'VALIDATION_ERROR', /limit must be an integer from 1 to 100/);
    expectError(await t.call('GET', '/v1/tasks?repo=nope', { user: 'carol' }), 400, 'VALIDATION_ERROR', /repo/);
    expectError(await t.call('GET', '/v1/tasks?sort=asc', { user: 'carol' }), 400, 'VALIDATION_ERROR', /Unknown query parameter "sort"/);
  });

  test('GET one task: the owner gets it; another user and an unknown id get the same 404', async () => {
    const { task_id } = (await create('erin')).body.data;
    const mine = await t.call('GET', `/v1/tasks/${task_id}`, { user: 'erin' });
    expect(mine.status).toBe(200);
    expect(schemaProblems('TaskDetail', mine.body.data)).toEqual([]);
    const theirs = await t.call('GET', `/v1/tasks/${task_id}`, { user: 'frank' });
    const unknown = await t.call('GET', '/v1/tasks/01NOSUCHTASK0000000000000', { user: 'frank' });
    expectError(theirs, 404, 'TASK_NOT_FOUND');
    expectError(unknown, 404, 'TASK_NOT_FOUND');
    expect(theirs.body.error.message.replace(task_id, 'ID')).toBe(unknown.body.error.message.replace('01NOSUCHTASK0000000000000', 'ID'));
  });
});

describe('cancel, events, replay, nudge, progress', () => {
  test('DELETE cancels a running task (200, CANCELLED); again → 409 TASK_ALREADY_TERMINAL', async () => {
    const { task_id } = (await create('gina')).body.data;
    await waitUntil(async () => ((await t.call('GET', `/v1/tasks/${task_id}`, { user: 'gina' })).body.data.status === 'RUNNING' ? true : undefined), undefined, 'RUNNING');
    const res = await t.call('DELETE', `/v1/tasks/${task_id}`, { user: 'gina' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ task_id, status: 'CANCELLED', cancelled_at: expect.any(String) });
    await waitUntil(async () => ((await t.call('GET', `/v1/tasks/${task_id}`, { user: 'gina' })).body.data.status === 'CANCELLED' ? true : undefined), undefined, 'CANCELLED');
    await expectNothingWritten(async () => {
      const again = await t.call('DELETE', `/v1/tasks/${task_id}`, { user: 'gina' });
      const nudge = await t.call('POST', `/v1/tasks/${task_id}/nudge`, { user: 'gina', body: { message: 'hi' } });
      expectError(again, 409, 'TASK_ALREADY_TERMINAL');
      expectError(nudge, 409, 'TASK_ALREADY_TERMINAL');
      return [again, nudge];
    });
  });

  test('events: lifecycle events oldest first, valid TaskEvents; after=<event_id> gives only newer ones; desc; limits', async () => {
    const { task_id } = (await create('hank')).body.data;
    await waitUntil(async () => ((await t.call('GET', `/v1/tasks/${task_id}`, { user: 'hank' })).body.data.status === 'RUNNING' ? true : undefined), undefined, 'RUNNING');
    const all = await t.call('GET', `/v1/tasks/${task_id}/events`, { user: 'hank' });
    expect(all.status).toBe(200);
    const types = all.body.data.map((e: any) => e.event_type);
    expect(types.slice(0, 2)).toEqual(['TaskSubmitted', 'TaskAdmitted']);
    expect(types).toContain('SessionStarted');
    for (const e of all.body.data) expect(schemaProblems('TaskEvent', e)).toEqual([]);
    const after = await t.call('GET', `/v1/tasks/${task_id}/events?after=${all.body.data[0].event_id}`, { user: 'hank' });
    expect(after.body.data.map((e: any) => e.event_id)).toEqual(all.body.data.slice(1).map((e: any) => e.event_id));
    const desc = await t.call('GET', `/v1/tasks/${task_id}/events?desc=true&limit=1`, { user: 'hank' });
    expect(desc.body.data[0].event_id).toBe(all.body.data.at(-1).event_id);
    expect(desc.body.pagination.has_more).toBe(true);
    const next = await t.call('GET', `/v1/tasks/${task_id}/events?desc=true&limit=1&next_token=${encodeURIComponent(desc.body.pagination.next_token)}`, { user: 'hank' });
    expect(next.body.data[0].event_id).toBe(all.body.data.at(-2).event_id);
    expectError(await t.call('GET', `/v1/tasks/${task_id}/events?after=nope`, { user: 'hank' }), 400, 'VALIDATION_ERROR', /after=/);
    expectError(await t.call('GET', `/v1/tasks/${task_id}/events?limit=101`, { user: 'hank' }), 400, 'VALIDATION_ERROR');

    const replay = await t.call('GET', `/v1/tasks/${task_id}/replay`, { user: 'hank' });
    expect(replay.status).toBe(200);
    expect(Object.keys(replay.body.data).sort()).toEqual(['collected_at', 'cost_usd', 'events', 'prompt_version', 'session_id', 'task_id', 'verification']);
    expect(replay.body.data.collected_at).toBeNull();
    expect(replay.body.data.verification).toEqual({ build_passed: null, lint_passed: null });

    const nudge = await t.call('POST', `/v1/tasks/${task_id}/nudge`, { user: 'hank', body: { message: 'Also update the changelog' }, headers: { 'Idempotency-Key': 'n-1' } });
    expect(nudge.status).toBe(202);
    expect(nudge.body.data).toEqual({ task_id, nudge_id: 'n-1', status: 'accepted' });
    const stream = await t.platform.store.readStream({ type: 'Task', id: task_id });
    expect(stream.filter((e) => e.type === 'NudgeReceived').map((e) => (e.data as { message: string }).message)).toEqual(['Also update the changelog']);
    expect((await t.call('POST', `/v1/tasks/${task_id}/nudge`, { user: 'hank', body: { message: 'Also update the changelog' }, headers: { 'Idempotency-Key': 'n-1' } })).status).toBe(202);
    expect((await t.platform.store.readStream({ type: 'Task', id: task_id })).filter((e) => e.type === 'NudgeReceived')).toHaveLength(1);
    expectError(await t.call('POST', `/v1/tasks/${task_id}/nudge`, { user: 'hank', body: { message: '' } }), 400, 'VALIDATION_ERROR');

    const progress = await t.call('GET', `/v1/tasks/${task_id}/progress`, { user: 'hank' });
    expect(progress.status).toBe(200);
    expect(progress.body.data).toMatchObject({ task_id, status: 'RUNNING', events: [], cursor: '0' });
    expectError(await t.call('GET', `/v1/tasks/${task_id}/progress?after=x`, { user: 'hank' }), 400, 'VALIDATION_ERROR');
  });
});

describe('every response', () => {
  test('401 without or with bad credentials, 404 for an unknown path, 405 with Allow for a wrong method — all with the envelope', async () => {
    expectError(await t.call('GET', '/v1/tasks'), 401, 'UNAUTHORIZED', /X-API-Key/);
    expectError(await t.call('GET', '/v1/tasks', { key: 'bgak_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), 401, 'UNAUTHORIZED');
    expectError(await t.call('GET', '/v1/tasks', { key: 'garbage' }), 401, 'UNAUTHORIZED');
    expectError(await t.call('GET', '/v1/nothing', { user: 'alice' }), 404, 'NOT_FOUND');
    const put = await t.call('PUT', '/v1/tasks', { user: 'alice' });
    expectError(put, 405, 'METHOD_NOT_ALLOWED');
    expect(put.headers.get('allow')).toBe('POST, GET');
  });

  test('GET /v1/openapi.json: OpenAPI 3.1 with every route and the schemas', async () => {
    const res = await t.call('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/v1/tasks', '/v1/tasks/{task_id}', '/v1/tasks/{task_id}/events', '/v1/tasks/{task_id}/nudge', '/v1/tasks/{task_id}/progress', '/v1/webhooks', '/v1/webhooks/tasks', '/v1/api-keys', '/v1/repos', '/v1/github/events']));
    expect(res.body.paths['/v1/tasks'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateTaskRequest' });
    expect(res.body.components.schemas.TaskDetail.required).toContain('error_classification');
  });
});

describe('rate limit', () => {
  test('over the per-user limit → 429 RATE_LIMIT_EXCEEDED with Retry-After; other users unaffected', async () => {
    const limited = await startApiTestbed({ api: { requestsPerMinute: 3 } });
    try {
      // The limit counts per user and minute: the four requests must fall in one window. A minute
      // boundary among them (on a loaded machine "5 s before the next minute" was no guarantee)
      // resets the count, so that round is played again by a fresh user in the next window.
      const windowNow = () => Math.floor(Date.now() / 60_000);
      let res: Awaited<ReturnType<typeof limited.call>> | undefined;
      for (let round = 1; round <= 3 && !res; round++) {
        const user = `ivy-${round}`;
        await limited.keyOf(user);
        const window = windowNow();
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await limited.call('GET', '/v1/tasks', { user })).status);
        const fourth = await limited.call('GET', '/v1/tasks', { user });
        if (windowNow() !== window) continue;
        expect(statuses).toEqual([200, 200, 200]);
        res = fourth;
      }
      expect(res?.status).toBe(429);
      expect(res!.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
      expect(Number(res!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await limited.call('GET', '/v1/tasks', { user: 'jack' })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  }, 60_000);
});
