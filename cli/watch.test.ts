/**
 * Following a task (watch, submit --wait, status --wait) against a real HTTP server whose task
 * progresses one step per poll: every event printed once and in order (across pages of
 * `after=<event_id>`, even when the server repeats one), exit 0 on COMPLETED and 1 otherwise, 130
 * on Ctrl-C without cancelling, a spinner only on a TTY.
 */
import { useCliTestEnv } from './testing/cli-env';
import type { ScriptStep } from './testing/fake-api';
import { runCli } from './testing/run-cli';

const cli = useCliTestEnv('bgagent-watch-');

const toolCalls = (n: number, from = 0): ScriptStep['events'] =>
  Array.from({ length: n }, (_, i) => ({ event_type: 'agent_tool_call', metadata: { tool: 'Bash', summary: `step ${from + i}` } }));

const PR = 'https://github.com/acme/api/pull/12';
function completingScript(): ScriptStep[] {
  return [
    { status: 'QUEUED', set: { queue_position: 1 }, events: [{ event_type: 'task_created' }, { event_type: 'task_queued', metadata: { queue_position: 1 } }] },
    { status: 'HYDRATING', events: [{ event_type: 'hydration_started' }] },
    { status: 'RUNNING', set: { started_at: '2025-01-01T10:00:30Z' }, events: [{ event_type: 'session_started' }, { event_type: 'agent_turn', metadata: { turn: 1, text: 'Looking at\nthe failing test' } }] },
    {},
    { set: { turns_completed: 2, cost_usd: 0.05 }, events: toolCalls(150) }, // more than one page of 100
    { events: [{ event_type: 'agent_cost_update', metadata: { cost_usd: 0.05, turns: 2 } }] },
    {
      status: 'COMPLETED',
      set: { pr_url: PR, duration_s: 95, cost_usd: 0.07 },
      events: [{ event_type: 'agent_milestone', metadata: { name: 'pr_opened', detail: PR } }, { event_type: 'task_completed', metadata: { pr_url: PR } }],
    },
  ];
}

const eventLines = (stdout: string): string[] => stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d {2}/.test(l));

test('watch prints every event once, in order, across pages, then the PR; exit 0 on COMPLETED', async () => {
  cli.api.overlapEvents = true; // the server repeats the event at the cursor: it must not be printed twice
  const id = cli.api.addTask('user-1', { repo: 'acme/api' }, completingScript());
  const r = await runCli(['watch', id], cli.env);
  expect(r.code).toBe(0);
  const stored = cli.api.tasks.get(id)!.events;
  expect(stored).toHaveLength(158);
  const lines = eventLines(r.stdout);
  expect(lines).toHaveLength(stored.length);
  expect(lines[0]).toMatch(/task created$/);
  expect(lines[1]).toContain('task queued  queue_position=1');
  expect(lines[4]).toContain('Turn 1: Looking at the failing test');
  expect(lines.slice(5, 155).map((l) => /step (\d+)$/.exec(l)![1])).toEqual(Array.from({ length: 150 }, (_, i) => String(i)));
  expect(lines[156]).toContain(`★ pr_opened: ${PR}`);
  expect(r.stdout.trimEnd().split('\n').slice(-2)).toEqual([`✔ Task ${id} COMPLETED in 1m35s · $0.07`, `PR: ${PR}`]);
  expect(r.stdout).not.toContain('\r'); // not a TTY: plain lines, no spinner
  expect(r.stderr).toContain(`Watching task ${id}`);

  // The polling: GET the task, then events after the last event id seen.
  const eventCalls = cli.api.calls('GET', `/v1/tasks/${id}/events`);
  expect(eventCalls[0]!.query.get('after')).toBeNull();
  const afters = eventCalls.map((c) => c.query.get('after')).filter((a): a is string => a !== null);
  expect(afters.length).toBeGreaterThan(5);
  for (const a of afters) expect(stored.map((e) => e.event_id)).toContain(a);
  expect(eventCalls.every((c) => c.query.get('limit') === '100')).toBe(true);
  expect(cli.api.calls('DELETE', '/v1/tasks')).toHaveLength(0);
});

test('an event that reaches the list late (sorted before the cursor) is still printed once, at the end', async () => {
  const id = cli.api.addTask('user-1', { repo: 'acme/api' }, [
    { status: 'RUNNING', events: [{ event_type: 'session_started' }, { event_type: 'agent_turn', metadata: { turn: 1 } }] },
    { events: [{ event_type: 'agent_turn', metadata: { turn: 2 } }] },
    { lateEvents: [{ event_type: 'agent_tool_call', metadata: { tool: 'Read', summary: 'late one' } }] },
    { status: 'COMPLETED', events: [{ event_type: 'task_completed' }] },
  ]);
  const r = await runCli(['watch', id], cli.env);
  expect(r.code).toBe(0);
  const lines = eventLines(r.stdout);
  expect(lines).toHaveLength(cli.api.tasks.get(id)!.events.length);
  expect(lines.filter((l) => l.includes('late one'))).toHaveLength(1);
  expect(lines.at(-1)).toContain('late one');
});

test('watch exits 1 when the task FAILED, with the error and its remedy', async () => {
  const id = cli.api.addTask('user-1', { repo: 'acme/api' }, [
    { status: 'RUNNING', events: [{ event_type: 'agent_turn', metadata: { turn: 1 } }] },
    {
      status: 'FAILED',
      set: {
        error_message: 'npm test failed',
        error_classification: { category: 'agent', title: 'Verification failed', description: 'd', remedy: 'Fix the build command in the repo config.', retryable: false },
      },
      events: [{ event_type: 'agent_error', metadata: { message: 'npm test failed' } }, { event_type: 'task_failed' }],
    },
  ]);
  const r = await runCli(['watch', id], cli.env);
  expect(r.code).toBe(1);
  const lines = eventLines(r.stdout);
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain('✖ npm test failed');
  expect(r.stdout).toContain(`✖ Task ${id} FAILED`);
  expect(r.stdout).toContain('  Verification failed — npm test failed');
  expect(r.stdout).toContain('  Remedy: Fix the build command in the repo config.');
});

test('watch on a task that already ended prints its history and exits by its status', async () => {
  const id = cli.api.addTask('user-1', { repo: 'acme/api', status: 'CANCELLED' });
  cli.api.addEvents(id, [{ event_type: 'task_created' }, { event_type: 'task_cancelled' }]);
  const r = await runCli(['watch', id], cli.env);
  expect(r.code).toBe(1);
  expect(eventLines(r.stdout)).toHaveLength(2);
  expect(cli.api.calls('GET', `/v1/tasks/${id}`).filter((c) => c.path === `/v1/tasks/${id}`)).toHaveLength(1);
});

test('watch --json: one JSON event per line, nothing else on stdout', async () => {
  const id = cli.api.addTask('user-1', { repo: 'acme/api' }, completingScript());
  const r = await runCli(['watch', id, '--json'], cli.env);
  expect(r.code).toBe(0);
  const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  expect(events).toEqual(cli.api.tasks.get(id)!.events);
});

test('watch --after skips the history', async () => {
  const id = cli.api.addTask('user-1', { repo: 'acme/api', status: 'COMPLETED' });
  cli.api.addEvents(id, [{ event_type: 'a' }, { event_type: 'b' }, { event_type: 'c' }]);
  const first = cli.api.tasks.get(id)!.events[0]!.event_id;
  const r = await runCli(['watch', id, '--after', first], cli.env);
  expect(eventLines(r.stdout).map((l) => l.slice(10))).toEqual(['b', 'c']);
});

test('submit --wait follows the new task like watch and ends with the PR URL (exit 0)', async () => {
  cli.api.nextScript = completingScript();
  const r = await runCli(['submit', '--repo', 'acme/api', '--task', 'Fix the flaky test', '--wait'], cli.env);
  expect(r.code).toBe(0);
  const id = [...cli.api.tasks.keys()][0]!;
  expect(r.stdout.split('\n')[0]).toBe(`Task ${id} submitted (SUBMITTED) on acme/api.`);
  expect(eventLines(r.stdout)).toHaveLength(158);
  expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`PR: ${PR}`);
});

test('submit --wait --json: progress on stderr, the final task as one JSON document on stdout; exit 1 when not COMPLETED', async () => {
  cli.api.nextScript = [{ status: 'RUNNING', events: [{ event_type: 'agent_turn', metadata: { turn: 1 } }] }, { status: 'TIMED_OUT', events: [{ event_type: 'task_timed_out' }] }];
  const r = await runCli(['submit', '--repo', 'acme/api', '--issue', '3', '--wait', '--json'], cli.env);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout)).toMatchObject({ status: 'TIMED_OUT', repo: 'acme/api', issue_number: 3 });
  expect(eventLines(r.stderr)).toHaveLength(2);
});

test('status --wait waits for the end without reading events; exit 0 COMPLETED, 1 otherwise', async () => {
  const done = cli.api.addTask('user-1', { repo: 'acme/api' }, [{ status: 'RUNNING' }, {}, { status: 'COMPLETED', set: { pr_url: PR } }]);
  const ok = await runCli(['status', done, '--wait'], cli.env);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/Status:\s+COMPLETED/);
  expect(ok.stdout).toContain(PR);
  expect(cli.api.calls('GET', `/v1/tasks/${done}`).filter((c) => c.path === `/v1/tasks/${done}`)).toHaveLength(3);
  expect(cli.api.calls('GET', `/v1/tasks/${done}/events`)).toHaveLength(0);

  const failed = cli.api.addTask('user-1', { repo: 'acme/api' }, [{ status: 'RUNNING' }, { status: 'FAILED', set: { error_message: 'boom' } }]);
  const ko = await runCli(['status', failed, '--wait', '--json'], cli.env);
  expect(ko.code).toBe(1);
  expect(JSON.parse(ko.stdout)).toMatchObject({ status: 'FAILED', error_message: 'boom' });
});

test('Ctrl-C while watching exits 130 and does not cancel the task', async () => {
  const endless: ScriptStep[] = [{ status: 'RUNNING', events: [{ event_type: 'agent_turn', metadata: { turn: 1 } }] }];
  for (let i = 0; i < 10_000; i++) endless.push({});
  const id = cli.api.addTask('user-1', { repo: 'acme/api' }, endless);
  const controller = new AbortController();
  const r = await runCli(['watch', id], { ...cli.env, BGAGENT_POLL_INTERVAL_MS: '20' }, {
    signal: controller.signal,
    onStdout: (all) => {
      if (all.includes('Turn 1')) setTimeout(() => controller.abort(new Error('interrupted')), 30);
    },
  });
  expect(r.code).toBe(130);
  expect(r.stderr).toContain(`Stopped watching; task ${id} keeps running`);
  expect(cli.api.calls('DELETE', '/v1/tasks')).toHaveLength(0);
  expect(cli.api.tasks.get(id)!.task.status).toBe('RUNNING');
});

test('on a TTY: a spinner with the status while waiting, cleared before each event line; colours unless NO_COLOR', async () => {
  const id = cli.api.addTask('user-1', { repo: 'acme/api' }, completingScript());
  const r = await runCli(['watch', id], cli.env, { tty: true });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('\r\x1b[2K');
  expect(r.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] QUEUED · position 1/);
  expect(r.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] RUNNING · /);
  expect(r.stdout).not.toMatch(/\x1b\[3\dm/); // NO_COLOR
  // Every event line still arrives whole, and the spinner is gone at the end.
  const text = r.stdout.replace(/\r\x1b\[2K[^\n\r]*(?=\r|$)/g, '').replace(/\r\x1b\[2K/g, '');
  expect(eventLines(text)).toHaveLength(158);
  expect(r.stdout.endsWith(`PR: ${PR}\n`)).toBe(true);

  const coloured = await runCli(['watch', cli.api.addTask('user-1', { repo: 'acme/api' }, completingScript())], { ...cli.env, NO_COLOR: undefined }, { tty: true });
  expect(coloured.stdout).toMatch(/\x1b\[32mCOMPLETED\x1b\[39m/);
});
