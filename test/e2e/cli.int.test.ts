/**
 * The bgagent CLI against a running `npm start`, both real child processes: the CLI reads the
 * config npm start wrote (API URL + admin key); submit → watch → COMPLETED with the PR URL
 * (exit 0); list and events show the task; cancel ends a task CANCELLED and watch exits 1 for it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { npmStart, ROOT, type Started } from '../support/npm-start';

const abca = npmStart('abca-cli-e2e-');
let started: Started;

beforeAll(async () => {
  started = await abca.start(90_000);
}, 120_000);
afterAll(async () => {
  if (started) await abca.stop(started, 30_000).catch(() => undefined);
  await abca.cleanup();
}, 60_000);

/** Runs `bgagent <args>` as a user would (the package bin); never throws on a non-zero exit. */
async function bgagent(args: string[], timeoutMs = 90_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'cli/bin/bgagent.js'), ...args], { cwd: ROOT, env: abca.env(), timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('submit → watch → COMPLETED with a PR URL; list and events show it', async () => {
  const submitted = await bgagent(['submit', '--repo', 'demo/hello', '--task', 'Add a goodbye function with a test', '--json']);
  expect(submitted.code).toBe(0);
  const task = JSON.parse(submitted.stdout); // the TaskDetail
  expect(task).toMatchObject({ task_id: expect.any(String), repo: 'demo/hello' });

  const watched = await bgagent(['watch', task.task_id]);
  expect({ code: watched.code, stderr: watched.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  expect(watched.stdout).toMatch(/COMPLETED/);
  expect(watched.stdout).toMatch(new RegExp(`${started.endpoints.forge_url}/demo/hello/pull/\\d+`));

  const listed = await bgagent(['list']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain(task.task_id);

  const events = await bgagent(['events', task.task_id, '--all', '--json']);
  expect(events.code).toBe(0);
  const types = (JSON.parse(events.stdout).data as Array<{ event_type: string }>).map((e) => e.event_type);
  expect(types[0]).toBe('TaskSubmitted');
  expect(types).toEqual(expect.arrayContaining(['SessionStarted', 'SessionEnded', 'TaskCompleted']));
  expect(types.some((t) => t.startsWith('agent_'))).toBe(true);
}, 180_000);

test('cancel → CANCELLED; watch exits 1 for a task that did not complete', async () => {
  const submitted = await bgagent(['submit', '--repo', 'demo/hello', '--task', 'Something to cancel', '--json']);
  const task = JSON.parse(submitted.stdout); // the TaskDetail
  const cancelled = await bgagent(['cancel', task.task_id]);
  expect(cancelled.code).toBe(0);
  expect(cancelled.stdout).toMatch(/CANCELLED|cancel/i);
  const watched = await bgagent(['watch', task.task_id]);
  expect(watched.code).toBe(1);
  const status = await bgagent(['status', task.task_id, '--json']);
  expect(JSON.parse(status.stdout).status).toBe('CANCELLED');
}, 180_000);

test('errors are readable: an unknown task → exit 1 with the code and request id; a usage error → exit 2', async () => {
  const unknown = await bgagent(['status', '01NOSUCHTASK0000000000000']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/TASK_NOT_FOUND/);
  expect(unknown.stderr).toMatch(/request [0-9A-Z]{26}/);
  const usage = await bgagent(['submit', '--repo']);
  expect(usage.code).toBe(2);
}, 60_000);
