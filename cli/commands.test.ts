/**
 * The bgagent commands against a real HTTP server implementing the REST contract: what they send
 * (paths, snake_case bodies, query parameters, headers) and what they print; errors with their code,
 * message and request id; usage errors (exit 2); --help on every command.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS, GROUPS } from './commands';
import { useCliTestEnv } from './testing/cli-env';
import { runCli } from './testing/run-cli';

const cli = useCliTestEnv('bgagent-cmd-');
beforeEach(() => {
  cli.api.apiKeys.set('bgak_01OTHER_secret', 'user-2');
});

describe('submit', () => {
  test('sends the contract\'s snake_case fields and the Idempotency-Key header', async () => {
    const r = await runCli(
      ['submit', '--repo', 'acme/api', '--issue', '42', '--task', 'Fix the flaky test', '--max-turns', '50', '--max-budget', '2.5', '--model', 'm-1', '--idempotency-key', 'issue-42'],
      cli.env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [call] = cli.api.calls('POST', '/v1/tasks');
    expect(call!.path).toBe('/v1/tasks');
    expect(call!.body).toEqual({ repo: 'acme/api', issue_number: 42, task_description: 'Fix the flaky test', max_turns: 50, max_budget_usd: 2.5, model_id: 'm-1' });
    expect(call!.headers['idempotency-key']).toBe('issue-42');
    expect(call!.headers['content-type']).toBe('application/json');
    const taskId = [...cli.api.tasks.keys()][0]!;
    expect(r.stdout).toContain(`Task ${taskId} submitted (SUBMITTED) on acme/api.`);
    expect(r.stdout).toContain(`bgagent watch ${taskId}`);

    // The same key again: the same task (200, Idempotent-Replay), nothing new.
    const again = await runCli(['submit', '--repo', 'acme/api', '--issue', '42', '--idempotency-key', 'issue-42', '--json'], cli.env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ task_id: taskId, status: 'SUBMITTED' });
    expect(cli.api.tasks.size).toBe(1);
    expect((await runCli(['submit', '--repo', 'acme/api', '--issue', '42', '--idempotency-key', 'issue-42'], cli.env)).stdout).toContain('already exists');
  });

  test('only the given fields are sent; no Idempotency-Key header without the flag', async () => {
    expect((await runCli(['submit', '--repo', 'acme/api', '--task', 'Add a README'], cli.env)).code).toBe(0);
    const [call] = cli.api.calls('POST', '/v1/tasks');
    expect(call!.body).toEqual({ repo: 'acme/api', task_description: 'Add a README' });
    expect(call!.headers['idempotency-key']).toBeUndefined();
  });

  test('usage errors name what is wrong (exit 2) and send nothing', async () => {
    const cases: Array<[string[], string]> = [
      [['submit', '--task', 'x'], 'missing option --repo'],
      [['submit', '--repo', 'acme/api'], 'give --issue <number> and/or --task <description>'],
      [['submit', '--repo', 'acme', '--issue', '1'], "--repo must be owner/name (got 'acme')"],
      [['submit', '--repo', 'acme/api', '--issue', 'abc'], "option --issue must be an integer (got 'abc')"],
      [['submit', '--repo', 'acme/api', '--issue', '1', '--max-budget', 'lots'], "option --max-budget must be a number (got 'lots')"],
      [['submit', '--repo', 'acme/api', '--issue', '1', '--idempotency-key', 'a b'], '--idempotency-key must be'],
      [['submit', '--repo', '--issue', '1'], 'option --repo needs a value'],
      [['submit', '--repo', 'acme/api', '--issue', '1', '--wait=yes'], 'option --wait takes no value'],
      [['submit', '--repo', 'acme/api', '--issue', '1', 'extra'], "unexpected argument 'extra'"],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv, cli.env);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toContain(`error: ${message}`);
      expect(r.stderr).toContain('Usage: bgagent submit [options]');
    }
    expect(cli.api.requests).toHaveLength(0);
  });

  test('a refused task: the error code, message and request id, readably (exit 1)', async () => {
    const r = await runCli(['submit', '--repo', 'acme/other', '--issue', '1'], cli.env);
    expect(r.code).toBe(1);
    const requestId = cli.api.requests[0]!.requestId;
    expect(r.stderr).toBe(
      `error: REPO_NOT_ONBOARDED — Repository acme/other is not onboarded. (request ${requestId})\n`,
    );
    expect(r.stdout).toBe('');
  });

  test('the server\'s validation errors are shown as they are (max_turns out of range)', async () => {
    const r = await runCli(['submit', '--repo', 'acme/api', '--issue', '1', '--max-turns', '900'], cli.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: VALIDATION_ERROR — max_turns must be an integer from 1 to 500 \(request [0-9A-Z]{26}\)/);
  });
});

describe('list', () => {
  beforeEach(() => {
    for (let i = 0; i < 5; i++) cli.api.addTask('user-1', { repo: 'acme/api', status: i === 1 ? 'FAILED' : 'RUNNING', task_description: `t${i}` });
    const done = cli.api.addTask('user-1', { repo: 'acme/web', status: 'COMPLETED', pr_url: 'https://github.com/acme/web/pull/7' });
    cli.api.tasks.get(done)!.task.error_message = null;
    cli.api.addTask('user-2', { repo: 'acme/api', status: 'RUNNING' });
  });

  test('a compact table of the user\'s tasks, newest first: id, status, repo, age, PR / error', async () => {
    const failed = [...cli.api.tasks.values()].find((t) => t.task.status === 'FAILED')!;
    failed.task.error_classification = { category: 'agent', title: 'Agent ran out of turns', description: 'd', remedy: 'r', retryable: true };
    const r = await runCli(['list'], cli.env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TASK ID\s+STATUS\s+REPO\s+AGE\s+PR \/ ERROR$/);
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^[0-9A-Z]{26}\s+COMPLETED\s+acme\/web\s+\S+\s+https:\/\/github.com\/acme\/web\/pull\/7$/);
    expect(r.stdout).toMatch(/FAILED\s+acme\/api\s+\S+\s+Agent ran out of turns/);
    expect(cli.api.calls('GET', '/v1/tasks')[0]!.query.toString()).toBe('');
  });

  test('filters go as query parameters (status comma list, repo, limit)', async () => {
    const r = await runCli(['list', '--status', 'running,failed', '--repo', 'acme/api', '--limit', '10'], cli.env);
    expect(r.code).toBe(0);
    const q = cli.api.calls('GET', '/v1/tasks')[0]!.query;
    expect(Object.fromEntries(q)).toEqual({ status: 'RUNNING,FAILED', repo: 'acme/api', limit: '10' });
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(6);
    const bad = await runCli(['list', '--status', 'DONE'], cli.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown status DONE');
  });

  test('one page shows how to get the next; --next-token continues; --all follows every page', async () => {
    const first = await runCli(['list', '--limit', '2'], cli.env);
    expect(first.code).toBe(0);
    const token = /--next-token (\S+)/.exec(first.stdout)![1]!;
    expect(first.stdout).toContain(`More results: bgagent list --limit 2 --next-token ${token}   (or add --all)`);
    expect(first.stdout.split('\n').filter((l) => /^[0-9A-Z]{26}/.test(l))).toHaveLength(2);

    const second = await runCli(['list', '--limit', '2', '--next-token', token], cli.env);
    expect(cli.api.calls('GET', '/v1/tasks')[1]!.query.get('next_token')).toBe(token);
    expect(second.stdout.split('\n').filter((l) => /^[0-9A-Z]{26}/.test(l))).toHaveLength(2);

    cli.api.requests.length = 0;
    const all = await runCli(['list', '--limit', '2', '--all', '--json'], cli.env);
    expect(all.code).toBe(0);
    const body = JSON.parse(all.stdout);
    expect(body.data).toHaveLength(6);
    expect(body.pagination).toEqual({ next_token: null, has_more: false });
    expect(cli.api.requests.map((r) => r.query.get('next_token'))).toEqual([null, expect.any(String), expect.any(String)]);
  });

  test('--json is the API\'s list envelope', async () => {
    const r = await runCli(['list', '--limit', '3', '--output', 'json'], cli.env);
    const body = JSON.parse(r.stdout);
    expect(body.data).toHaveLength(3);
    expect(body.pagination).toEqual({ next_token: expect.any(String), has_more: true });
  });
});

describe('status, cancel, nudge, replay, events', () => {
  test('status prints the fields that are set, with the error classification and the PR', async () => {
    const id = cli.api.addTask('user-1', {
      repo: 'acme/api',
      status: 'FAILED',
      issue_number: 42,
      task_description: 'Fix it',
      pr_url: 'https://github.com/acme/api/pull/9',
      error_message: 'max turns reached (100)',
      error_classification: { category: 'agent', title: 'Agent ran out of turns', description: 'The agent used every turn.', remedy: 'Raise --max-turns or split the task.', retryable: true },
      cost_usd: 1.234,
      turns_completed: 100,
      duration_s: 754,
      build_passed: true,
      lint_passed: false,
    });
    const r = await runCli(['status', id], cli.env);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(new RegExp(`Task:\\s+${id}`));
    expect(out).toMatch(/Status:\s+FAILED/);
    expect(out).toMatch(/Issue:\s+#42/);
    expect(out).toMatch(/PR:\s+https:\/\/github.com\/acme\/api\/pull\/9/);
    expect(out).toMatch(/Error:\s+\[agent\] Agent ran out of turns/);
    expect(out).toMatch(/Remedy:\s+Raise --max-turns or split the task\./);
    expect(out).toMatch(/Detail:\s+max turns reached \(100\)/);
    expect(out).toMatch(/Turns:\s+100 \/ 100/);
    expect(out).toMatch(/Cost:\s+\$1\.23/);
    expect(out).toMatch(/Duration:\s+12m34s/);
    expect(out).toMatch(/Build:\s+passed/);
    expect(out).toMatch(/Lint:\s+failed/);
    expect(out).not.toMatch(/Session:|Branch:|Queue/); // null fields are not shown
    expect(cli.api.calls('GET', `/v1/tasks/${id}`)).toHaveLength(1);

    const json = await runCli(['status', id, '--json'], cli.env);
    expect(JSON.parse(json.stdout)).toMatchObject({ task_id: id, status: 'FAILED', session_id: null });
  });

  test('another user\'s task is not found (404 TASK_NOT_FOUND, exit 1)', async () => {
    const id = cli.api.addTask('user-2', { repo: 'acme/api' });
    const r = await runCli(['status', id], cli.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: TASK_NOT_FOUND — Task ${id} not found\\. \\(request [0-9A-Z]{26}\\)`));
  });

  test('cancel: DELETE /v1/tasks/{id}; a second cancel is TASK_ALREADY_TERMINAL', async () => {
    const id = cli.api.addTask('user-1', { repo: 'acme/api', status: 'RUNNING' });
    const r = await runCli(['cancel', id], cli.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Task ${id} CANCELLED at \\S+\\.\\n$`));
    expect(cli.api.calls('DELETE', `/v1/tasks/${id}`)).toHaveLength(1);
    const again = await runCli(['cancel', id], cli.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error: TASK_ALREADY_TERMINAL — ');
  });

  test('nudge: POST {message} (several words joined); 202', async () => {
    const id = cli.api.addTask('user-1', { repo: 'acme/api', status: 'RUNNING' });
    const r = await runCli(['nudge', id, 'also', 'update the README'], cli.env);
    expect(r.code).toBe(0);
    expect(cli.api.calls('POST', `/v1/tasks/${id}/nudge`)[0]!.body).toEqual({ message: 'also update the README' });
    expect(r.stdout).toContain(`Nudge sent to task ${id}`);
    const missing = await runCli(['nudge', id], cli.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: missing argument <message>');
  });

  test('replay prints the bundle as JSON', async () => {
    const id = cli.api.addTask('user-1', { repo: 'acme/api', status: 'COMPLETED', cost_usd: 0.5 });
    cli.api.addEvents(id, [{ event_type: 'task_created' }]);
    const r = await runCli(['replay', id], cli.env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ task_id: id, cost_usd: 0.5, collected_at: null, verification: { build_passed: null, lint_passed: null } });
  });

  test('events: a timeline, --limit, --after, --all', async () => {
    const id = cli.api.addTask('user-1', { repo: 'acme/api', status: 'RUNNING' });
    cli.api.addEvents(id, [
      { event_type: 'task_created', metadata: { repo: 'acme/api' } },
      { event_type: 'agent_turn', metadata: { turn: 1, text: 'Reading the tests' } },
      { event_type: 'agent_tool_call', metadata: { tool: 'Bash', summary: 'npm test' } },
      { event_type: 'agent_milestone', metadata: { name: 'tests_pass' } },
      { event_type: 'agent_cost_update', metadata: { cost_usd: 0.0123, turns: 1 } },
    ]);
    const r = await runCli(['events', id], cli.env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d {2}task created {2}repo=acme\/api {2}[0-9A-Z]{26}$/);
    expect(lines[1]).toContain('Turn 1: Reading the tests');
    expect(lines[2]).toContain('▶ Bash: npm test');
    expect(lines[3]).toContain('★ tests_pass');
    expect(lines[4]).toContain('cost $0.0123 after 1 turns');

    const paged = await runCli(['events', id, '--limit', '2'], cli.env);
    expect(paged.stdout).toMatch(new RegExp(`More results: bgagent events ${id} --limit 2 --next-token \\S+`));
    const events = [...cli.api.tasks.get(id)!.events];
    const after = await runCli(['events', id, '--after', events[2]!.event_id, '--json'], cli.env);
    expect(JSON.parse(after.stdout).data.map((e: { event_id: string }) => e.event_id)).toEqual([events[3]!.event_id, events[4]!.event_id]);
    expect(cli.api.calls('GET', `/v1/tasks/${id}/events`).at(-1)!.query.get('after')).toBe(events[2]!.event_id);
    const all = await runCli(['events', id, '--limit', '2', '--all', '--json'], cli.env);
    expect(JSON.parse(all.stdout).data).toHaveLength(5);
  });
});

describe('webhook, api-key, repo', () => {
  test('webhook create | list | revoke', async () => {
    const created = await runCli(['webhook', 'create', 'ci-pipeline'], cli.env);
    expect(created.code).toBe(0);
    expect(cli.api.calls('POST', '/v1/webhooks')[0]!.body).toEqual({ name: 'ci-pipeline' });
    const [id] = [...cli.api.webhooks.keys()];
    expect(created.stdout).toContain(`Webhook ${id} created (ci-pipeline).`);
    expect(created.stdout).toMatch(/Secret: [0-9a-f]{64}\n/);
    expect(created.stdout).toContain('shown once');
    expect((await runCli(['webhook', 'create', '--name', 'jira bridge'], cli.env)).code).toBe(0);

    const listed = await runCli(['webhook', 'list'], cli.env);
    expect(listed.stdout).toMatch(/^WEBHOOK ID\s+NAME\s+STATUS\s+AGE\n/);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+ci-pipeline\\s+active`));

    const revoked = await runCli(['webhook', 'revoke', id!], cli.env);
    expect(revoked).toMatchObject({ code: 0, stdout: `Webhook ${id} revoked.\n` });
    expect(cli.api.calls('DELETE', `/v1/webhooks/${id}`)).toHaveLength(1);
    const twice = await runCli(['webhook', 'revoke', id!], cli.env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('WEBHOOK_ALREADY_REVOKED');
    // The API lists revoked webhooks too; they are hidden unless --include-revoked.
    expect(JSON.parse((await runCli(['webhook', 'list', '--json'], cli.env)).stdout).data).toHaveLength(1);
    const withRevoked = await runCli(['webhook', 'list', '--include-revoked', '--json'], cli.env);
    expect(cli.api.calls('GET', '/v1/webhooks').at(-1)!.query.toString()).toBe('');
    expect(JSON.parse(withRevoked.stdout).data).toHaveLength(2);
    expect((await runCli(['webhook', 'list', '--include-revoked'], cli.env)).stdout).toMatch(new RegExp(`${id}\\s+ci-pipeline\\s+revoked`));

    const bad = await runCli(['webhook', 'create', '-bad-'], cli.env);
    expect(bad.code).toBe(2);
  });

  test('api-key create (shown once, usable at once) | list | revoke', async () => {
    const created = await runCli(['api-key', 'create', 'ci'], cli.env);
    expect(created.code).toBe(0);
    expect(cli.api.calls('POST', '/v1/api-keys')[0]!.body).toEqual({ name: 'ci' });
    const key = /Key: (bgak_\S+)/.exec(created.stdout)![1]!;
    expect(created.stdout).toContain(`export BGAGENT_API_KEY=${key}`);
    const keyId = [...cli.api.keys.keys()][0]!;
    // The new key authenticates as the same user.
    const mine = await runCli(['api-key', 'list'], { ...cli.env, BGAGENT_API_KEY: key });
    expect(mine.code).toBe(0);
    expect(mine.stdout).toMatch(new RegExp(`${keyId}\\s+ci\\s+active`));
    expect((await runCli(['api-key', 'create'], cli.env)).code).toBe(0);
    expect(cli.api.calls('POST', '/v1/api-keys')[1]!.body).toEqual({});
    const revoked = await runCli(['api-key', 'revoke', keyId], cli.env);
    expect(revoked).toMatchObject({ code: 0, stdout: `API key ${keyId} revoked.\n` });
    expect(cli.api.calls('DELETE', `/v1/api-keys/${keyId}`)).toHaveLength(1);
  });

  test('repo onboard sends {repo, config} with RepoConfig fields; repo list shows them', async () => {
    const file = path.join(cli.home, 'cfg.json');
    writeFileSync(file, JSON.stringify({ memoryTokenBudget: 500, verify: { gating: 'informational' } }));
    const r = await runCli(
      ['repo', 'onboard', 'acme/new', '--trigger-label', 'agent', '--max-turns', '60', '--model', 'm-2', '--build', 'npm ci', '--build', 'npm run build', '--test', 'npm test', '--gating', 'strict', '--max-duration-minutes', '90', '--config', file],
      cli.env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(cli.api.calls('POST', '/v1/repos')[0]!.body).toEqual({
      repo: 'acme/new',
      config: {
        triggerLabel: 'agent',
        maxTurns: 60,
        modelId: 'm-2',
        memoryTokenBudget: 500,
        verify: { build: ['npm ci', 'npm run build'], test: ['npm test'], gating: 'strict' },
        session: { maxDurationMinutes: 90 },
      },
    });
    expect(r.stdout).toContain('Repository acme/new onboarded.');
    expect(r.stdout).toContain('trigger label: agent');

    const plain = await runCli(['repo', 'onboard', 'acme/plain'], cli.env);
    expect(plain.code).toBe(0);
    expect(cli.api.calls('POST', '/v1/repos')[1]!.body).toEqual({ repo: 'acme/plain', config: {} });

    const listed = await runCli(['repo', 'list'], cli.env);
    expect(listed.stdout).toMatch(/^REPO\s+STATUS\s+LABEL\s+MAX TURNS\s+COMPUTE\s+MODEL\n/);
    expect(listed.stdout).toMatch(/acme\/new\s+active\s+agent\s+60\s+local\s+m-2/);

    const bad = await runCli(['repo', 'onboard', 'acme/x', '--gating', 'lenient'], cli.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--gating must be one of strict, regression_only, informational');
  });
});

describe('transport', () => {
  test('429 and 503 are retried, honouring Retry-After; the retry is announced on stderr', async () => {
    cli.api.injected.push({ status: 429, code: 'RATE_LIMIT_EXCEEDED', retryAfter: '0' }, { status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '0' });
    const r = await runCli(['list'], cli.env);
    expect(r.code).toBe(0);
    expect(cli.api.calls('GET', '/v1/tasks')).toHaveLength(3);
    expect(r.stderr).toContain('rate limited (429), retry 1 in 0.0s');
    expect(r.stderr).toContain('service unavailable (503), retry 2 in 0.0s');
  });

  test('after the retries, the last error is shown', async () => {
    for (let i = 0; i < 4; i++) cli.api.injected.push({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '0' });
    const r = await runCli(['list'], cli.env);
    expect(r.code).toBe(1);
    expect(cli.api.requests).toHaveLength(4);
    expect(r.stderr).toMatch(/error: SERVICE_UNAVAILABLE — injected SERVICE_UNAVAILABLE \(request [0-9A-Z]{26}\)/);
  });

  test('an answer slower than the timeout: says so (exit 1)', async () => {
    cli.api.delayNextMs = 500;
    const r = await runCli(['list'], { ...cli.env, BGAGENT_TIMEOUT_MS: '100' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: the API at ${cli.api.url} did not answer within 100ms (BGAGENT_TIMEOUT_MS sets the limit)\n`);
  });

  test('the API not reachable: says so with the URL and suggests npm start / configure', async () => {
    const url = cli.api.url;
    await cli.api.close();
    const r = await runCli(['list'], { ...cli.env, BGAGENT_API_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: the API is not reachable at ${url} (connection refused).\nIs the platform running? Start it with \`npm start\`, or point bgagent at it with \`bgagent configure --api-url <url>\`.\n`,
    );
  });
});

describe('usage and help', () => {
  test('an unknown flag: exit 2, named, with the command\'s usage; nothing is sent', async () => {
    const r = await runCli(['list', '--colour'], cli.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: unknown option --colour\n\nUsage: bgagent list [options]\nRun `bgagent list --help` for its options and examples.\n');
    expect(cli.api.requests).toHaveLength(0);
  });

  test('a missing argument, an unknown command or subcommand: exit 2', async () => {
    const status = await runCli(['status'], cli.env);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('error: missing argument <task_id>');
    expect(status.stderr).toContain('Usage: bgagent status <task_id> [options]');
    const unknown = await runCli(['stauts'], cli.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown command 'stauts' (did you mean 'status'?)");
    const sub = await runCli(['webhook', 'delete', 'x'], cli.env);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("unknown command 'webhook delete'");
    expect(sub.stderr).toContain('Usage: bgagent webhook <create|list|revoke>');
    expect((await runCli(['repo'], cli.env)).code).toBe(2);
    expect((await runCli([], cli.env)).code).toBe(2);
    expect((await runCli(['list', '--output', 'yaml'], cli.env)).code).toBe(2);
  });

  test('every command and subcommand has --help with examples (exit 0, nothing sent)', async () => {
    for (const spec of COMMANDS) {
      const r = await runCli([...spec.name.split(' '), '--help'], cli.env);
      expect({ name: spec.name, code: r.code, stderr: r.stderr }).toEqual({ name: spec.name, code: 0, stderr: '' });
      expect(r.stdout).toContain(`Usage: bgagent ${spec.name}`);
      expect(r.stdout).toContain('Examples:\n  bgagent ');
      expect(r.stdout).toContain('-h, --help');
      // -h works too, and help wins over other mistakes on the line
      expect((await runCli([...spec.name.split(' '), '--nope', '-h'], cli.env)).code).toBe(0);
    }
    for (const group of Object.keys(GROUPS)) {
      const r = await runCli([group, '--help'], cli.env);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: bgagent ${group} <`);
    }
    const top = await runCli(['--help'], cli.env);
    expect(top.code).toBe(0);
    for (const spec of COMMANDS) expect(top.stdout).toContain(`  ${spec.name}`);
    expect((await runCli(['help', 'submit'], cli.env)).stdout).toContain('Usage: bgagent submit');
    expect(cli.api.requests).toHaveLength(0);
  });

  test('--version', async () => {
    const r = await runCli(['--version'], cli.env);
    expect(r).toEqual({ code: 0, stdout: expect.stringMatching(/^bgagent \d+\.\d+\.\d+\n$/), stderr: '' });
  });
});
