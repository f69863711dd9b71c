/**
 * The setup the bgagent tests against the fake API share: per test a fresh fake API where
 * TEST_API_KEY is user-1's and acme/api is onboarded, an empty HOME in a temporary folder, and the
 * environment bgagent runs with (that API and key, no colour, polls every millisecond).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeApi, type FakeApi } from './fake-api';

const TEST_API_KEY = 'bgak_01TESTKEY_secret';

export interface CliTestEnv {
  readonly api: FakeApi;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Registers the beforeEach / afterEach that make and remove a CliTestEnv; read its fields inside
 * tests and hooks. `tmpPrefix` names the temporary HOME (`bgagent-cmd-`…).
 */
export function useCliTestEnv(tmpPrefix: string): CliTestEnv {
  let current: CliTestEnv | undefined;
  beforeEach(async () => {
    const api = await startFakeApi();
    api.apiKeys.set(TEST_API_KEY, 'user-1');
    api.onboarded.set('acme/api', {});
    const home = mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    const env = { HOME: home, NO_COLOR: '1', BGAGENT_API_URL: api.url, BGAGENT_API_KEY: TEST_API_KEY, BGAGENT_POLL_INTERVAL_MS: '1' };
    current = { api, home, env };
  });
  afterEach(async () => {
    if (!current) return;
    const { api, home } = current;
    current = undefined;
    await api.close(); // closing an API a test has closed already is fine
    rmSync(home, { recursive: true, force: true });
  });
  const get = (): CliTestEnv => {
    if (!current) throw new Error('useCliTestEnv: read it inside a test or a hook (it is made per test)');
    return current;
  };
  return {
    get api() {
      return get().api;
    },
    get home() {
      return get().home;
    },
    get env() {
      return get().env;
    },
  };
}
