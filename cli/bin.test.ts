/**
 * The `bgagent` executable as a real child process (`node cli/bin/bgagent.js`, TypeScript through
 * tsx): --help, exit codes, and Ctrl-C (SIGINT) while watching → exit 130 without cancelling the task.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeApi, type FakeApi, type ScriptStep } from './testing/fake-api';

jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'cli', 'bin', 'bgagent.js');

interface Child {
  readonly exit: Promise<number | null>;
  readonly stdout: () => string;
  readonly stderr: () => string;
  kill(signal: NodeJS.Signals): void;
}

function bgagent(args: string[], env: NodeJS.ProcessEnv, onStdout?: (all: string) => void): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    onStdout?.(out);
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { exit, stdout: () => out, stderr: () => err, kill: (s) => child.kill(s) };
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'bgagent-bin-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

test('node cli/bin/bgagent.js --help prints the usage and exits 0', async () => {
  const child = bgagent(['--help'], { HOME: home });
  expect(await child.exit).toBe(0);
  expect(child.stdout()).toContain('Usage: bgagent <command> [options]');
  expect(child.stdout()).toContain('submit');
  expect(child.stderr()).toBe('');
});

test('a usage error exits 2', async () => {
  const child = bgagent(['list', '--bogus'], { HOME: home });
  expect(await child.exit).toBe(2);
  expect(child.stderr()).toContain('error: unknown option --bogus');
});

describe('against an API', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi();
    api.apiKeys.set('bgak_01K_s', 'u');
  });
  afterEach(() => api.close());

  test('Ctrl-C (SIGINT) while watching exits 130 and sends no cancel', async () => {
    const script: ScriptStep[] = [{ status: 'RUNNING', events: [{ event_type: 'agent_turn', metadata: { turn: 1, text: 'working' } }] }];
    for (let i = 0; i < 100_000; i++) script.push({});
    const id = api.addTask('u', { repo: 'acme/api' }, script);
    let sent = false;
    const child = bgagent(['watch', id], { HOME: home, BGAGENT_API_URL: api.url, BGAGENT_API_KEY: 'bgak_01K_s', BGAGENT_POLL_INTERVAL_MS: '50' }, (all) => {
      if (!sent && all.includes('Turn 1: working')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(await child.exit).toBe(130);
    expect(child.stderr()).toContain(`Stopped watching; task ${id} keeps running`);
    expect(api.calls('DELETE', '/v1/tasks')).toHaveLength(0);
  });

  test('a finished task: `watch` exits 0 and the process ends by itself', async () => {
    const id = api.addTask('u', { repo: 'acme/api', status: 'COMPLETED', pr_url: 'https://x/pull/1' });
    const child = bgagent(['watch', id], { HOME: home, BGAGENT_API_URL: api.url, BGAGENT_API_KEY: 'bgak_01K_s' });
    expect(await child.exit).toBe(0);
    expect(child.stdout()).toContain('PR: https://x/pull/1');
  });
});
