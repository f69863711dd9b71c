/**
 * bgagent configure and the credentials it sends: the config file (0600, folder 0700,
 * BGAGENT_CONFIG_DIR), BGAGENT_API_KEY overriding the file, BGAGENT_TOKEN as a Bearer JWT —
 * checked by a real HTTP server implementing the contract's auth.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeApi, type FakeApi } from './testing/fake-api';
import { runCli } from './testing/run-cli';

const FILE_KEY = 'bgak_01FILEKEY_filesecret';
const ENV_KEY = 'bgak_01ENVKEY_envsecret';
let api: FakeApi;
let home: string;

beforeEach(async () => {
  api = await startFakeApi();
  api.apiKeys.set(FILE_KEY, 'user-file');
  api.apiKeys.set(ENV_KEY, 'user-env');
  api.tokens.set('header.payload.sig', 'user-jwt');
  home = mkdtempSync(path.join(os.tmpdir(), 'bgagent-config-'));
});
afterEach(async () => {
  await api.close();
  rmSync(home, { recursive: true, force: true });
});

const baseEnv = (): NodeJS.ProcessEnv => ({ HOME: home, NO_COLOR: '1' });

test('configure writes ~/.bgagent/config.json with mode 0600 in a 0700 folder', async () => {
  const r = await runCli(['configure', '--api-url', `${api.url}/`, '--api-key', FILE_KEY], baseEnv());
  expect(r).toMatchObject({ code: 0, stderr: '' });
  const dir = path.join(home, '.bgagent');
  const file = path.join(dir, 'config.json');
  expect(r.stdout).toContain(`Saved ${file}`);
  expect(r.stdout).not.toContain('filesecret');
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ api_url: api.url, api_key: FILE_KEY });
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(dir).mode & 0o777).toBe(0o700);

  // The next command uses the file: its URL and its key (X-API-Key).
  const list = await runCli(['list'], baseEnv());
  expect(list.code).toBe(0);
  expect(api.calls('GET', '/v1/tasks')[0]).toMatchObject({ userId: 'user-file' });
  expect(api.calls('GET', '/v1/tasks')[0]!.headers['x-api-key']).toBe(FILE_KEY);
});

test('BGAGENT_CONFIG_DIR moves the folder; configure keeps the key when only the URL changes', async () => {
  const dir = path.join(home, 'elsewhere', 'bg');
  const env = { ...baseEnv(), BGAGENT_CONFIG_DIR: dir };
  expect((await runCli(['configure', '--api-url', 'http://127.0.0.1:9', '--api-key', FILE_KEY], env)).code).toBe(0);
  expect((await runCli(['configure', '--api-url', api.url], env)).code).toBe(0);
  const file = path.join(dir, 'config.json');
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ api_url: api.url, api_key: FILE_KEY });
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  expect(() => statSync(path.join(home, '.bgagent'))).toThrow();

  const shown = await runCli(['configure', '--show', '--json'], env);
  expect(JSON.parse(shown.stdout)).toEqual({ path: file, api_url: api.url, api_key: 'bgak_01FILEKEY_****' });
});

test('configure validates the URL and the key (usage errors, exit 2, nothing written)', async () => {
  for (const bad of ['not a url', 'ftp://example.com', 'http://h:3000/?x=1']) {
    const r = await runCli(['configure', '--api-url', bad], baseEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --api-url/);
    expect(r.stderr).toContain('Usage: bgagent configure');
  }
  const key = await runCli(['configure', '--api-url', api.url, '--api-key', 'secret'], baseEnv());
  expect(key.code).toBe(2);
  expect(key.stderr).toContain('bgak_<key_id>_<secret>');
  const none = await runCli(['configure'], baseEnv());
  expect(none.code).toBe(2);
  expect(() => statSync(path.join(home, '.bgagent', 'config.json'))).toThrow();
});

test('BGAGENT_API_KEY overrides the key of the file', async () => {
  await runCli(['configure', '--api-url', api.url, '--api-key', FILE_KEY], baseEnv());
  const r = await runCli(['list'], { ...baseEnv(), BGAGENT_API_KEY: ENV_KEY });
  expect(r.code).toBe(0);
  const call = api.calls('GET', '/v1/tasks')[0]!;
  expect(call.headers['x-api-key']).toBe(ENV_KEY);
  expect(call.headers.authorization).toBeUndefined();
  expect(call.userId).toBe('user-env');
});

test('BGAGENT_TOKEN is sent as Authorization: Bearer; BGAGENT_API_URL overrides the file URL', async () => {
  mkdirSync(path.join(home, '.bgagent'));
  writeFileSync(path.join(home, '.bgagent', 'config.json'), JSON.stringify({ api_url: 'http://127.0.0.1:9' }));
  const r = await runCli(['list'], { ...baseEnv(), BGAGENT_TOKEN: 'header.payload.sig', BGAGENT_API_URL: api.url });
  expect(r.code).toBe(0);
  const call = api.calls('GET', '/v1/tasks')[0]!;
  expect(call.headers.authorization).toBe('Bearer header.payload.sig');
  expect(call.headers['x-api-key']).toBeUndefined();
  expect(call.userId).toBe('user-jwt');
});

test('an api_url that already ends in /v1 (as the original CLI stores it) is not doubled', async () => {
  const r = await runCli(['list'], { ...baseEnv(), BGAGENT_API_URL: `${api.url}/v1/`, BGAGENT_API_KEY: ENV_KEY });
  expect(r.code).toBe(0);
  expect(api.requests[0]!.path).toBe('/v1/tasks');
});

test('refused credentials: UNAUTHORIZED with the request id and a hint', async () => {
  const r = await runCli(['list'], { ...baseEnv(), BGAGENT_API_URL: api.url, BGAGENT_API_KEY: 'bgak_01NOPE_wrong' });
  expect(r.code).toBe(1);
  const id = api.requests[0]!;
  expect(id.userId).toBeUndefined();
  expect(r.stderr).toMatch(/^error: UNAUTHORIZED — Missing or invalid credentials\. \(request [0-9A-Z]{26}\)\n/);
  expect(r.stderr).toContain('(the key came from BGAGENT_API_KEY, which overrides the config file)');
});

test('no API URL anywhere: says how to configure it (exit 1)', async () => {
  const r = await runCli(['list'], baseEnv());
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('bgagent configure --api-url');
  expect(api.requests).toHaveLength(0);
});

test('an unreadable config file is reported, not crashed on', async () => {
  mkdirSync(path.join(home, '.bgagent'));
  writeFileSync(path.join(home, '.bgagent', 'config.json'), '{nope');
  const r = await runCli(['list'], baseEnv());
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(path.join(home, '.bgagent', 'config.json'));
});
