/**
 * `npm start` as a user runs it: a real child process (`node --require tsx/cjs local/start/main.ts
 * --port 0 --data-dir <tmp>`) brings the whole platform up, writes endpoints.json, the admin key
 * (0600) and the CLI config (in a temporary BGAGENT_CONFIG_DIR); the API lists demo/hello; a task
 * on it becomes a pull request (the demo path); SIGINT stops it cleanly (exit 0, endpoints.json
 * removed); a second start on the same data directory still has the task and reuses the key.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { callApi, TERMINAL_STATUSES } from '../../local/start/api-client';
import { waitUntil } from '../support/platform';
import { npmStart } from '../support/npm-start';

const abca = npmStart();
const { dataDir, configDir } = abca;
const startAbca = (timeoutMs: number) => abca.start(timeoutMs);
const stopAbca = abca.stop;

const modeOf = (p: string) => statSync(p).mode & 0o777;

afterAll(() => abca.cleanup(), 30_000);

test('npm start: ready with endpoints, admin key and demo repo; the demo task opens a PR; SIGINT stops cleanly; a restart keeps the task and the key', async () => {
  // First start.
  const first = await startAbca(75_000);
  const { endpoints } = first;
  expect(endpoints.api_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(endpoints.api_url).not.toMatch(/:0$/);
  for (const url of [endpoints.eventbridge_url, endpoints.dynamodb_url, endpoints.kinesis_url, endpoints.forge_url]) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(first.output()).toContain('Admin API key created');
  expect(first.output()).toContain('npm run demo');

  const keyFile = path.join(dataDir, 'admin.key');
  expect(modeOf(keyFile)).toBe(0o600);
  const key = readFileSync(keyFile, 'utf8').trim();
  expect(key).toMatch(/^bgak_/);
  const config = path.join(configDir, 'config.json');
  expect(modeOf(configDir)).toBe(0o700);
  expect(modeOf(config)).toBe(0o600);
  expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ api_url: endpoints.api_url, api_key: key });
  expect(modeOf(path.join(dataDir, 'secrets'))).toBe(0o700);
  expect(modeOf(path.join(dataDir, 'secrets', 'page-token'))).toBe(0o600);
  expect(existsSync(path.join(dataDir, 'logs', 'platform.log'))).toBe(true);

  const repos = await callApi(endpoints.api_url, key, 'GET', '/v1/repos');
  expect(repos.status).toBe(200);
  const demo = (repos.body.data as Array<{ repo: string; config: { verify: { test: string[] } } }>).find((r) => r.repo === 'demo/hello');
  expect(demo?.config.verify.test).toEqual(['node test.js']);

  // The demo path: a task on demo/hello through the API becomes a pull request.
  const created = await callApi(endpoints.api_url, key, 'POST', '/v1/tasks', { repo: 'demo/hello', task_description: 'Add a goodbye function with a test' });
  expect(created.status).toBe(201);
  const taskId = created.body.data.task_id as string;
  const done = await waitUntil(
    async () => {
      const got = await callApi(endpoints.api_url, key, 'GET', `/v1/tasks/${taskId}`);
      return TERMINAL_STATUSES.includes(got.body?.data?.status) ? got.body.data : undefined;
    },
    60_000,
    'the demo task to end',
  );
  expect({ status: done.status, error: done.error_message }).toEqual({ status: 'COMPLETED', error: null });
  expect(done.pr_url).toMatch(new RegExp(`^${endpoints.forge_url}/demo/hello/pull/\\d+$`));

  // Ctrl-C: a clean stop, exit 0, endpoints.json gone.
  expect(await stopAbca(first, 30_000)).toEqual({ code: 0, signal: null });
  expect(first.output()).toContain('ABCA stopped.');
  expect(existsSync(path.join(dataDir, 'endpoints.json'))).toBe(false);

  // Second start on the same data: the task is still there, the key is reused.
  const second = await startAbca(60_000);
  expect(second.output()).toContain('Admin API key reused');
  expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
  const again = await callApi(second.endpoints.api_url, key, 'GET', `/v1/tasks/${taskId}`);
  expect(again.status).toBe(200);
  expect(again.body.data).toMatchObject({ task_id: taskId, status: 'COMPLETED', pr_url: done.pr_url });
  expect(JSON.parse(readFileSync(config, 'utf8')).api_url).toBe(second.endpoints.api_url);
  expect(await stopAbca(second, 30_000)).toEqual({ code: 0, signal: null });
}, 200_000);
