/**
 * agent/main.ts as the compute starts it: a real `node --require tsx/cjs agent/main.ts` process with
 * ABCA_SESSION (or --payload), ABCA_WORKSPACE, and telemetry into a JSONL file.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SessionPayload, TelemetryRecord } from './contracts';
import { readTelemetryFile } from './adapters/file-telemetry';
import { createOrigin, testPayload, trailerLines, type TestOrigin } from './testing/git-fixtures';
import { SAFETY_NET_MESSAGE } from './runtime/safety-net';
import { parseArgs, parsePayload } from './main';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..');
let origin: TestOrigin;
beforeEach(() => {
  origin = createOrigin({ 'README.md': 'hello\n' });
});
afterEach(() => origin.cleanup());

interface Agent {
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly pid: number;
  readonly output: () => string;
  kill(signal: NodeJS.Signals): void;
}

function startAgent(env: Record<string, string>, args: string[] = []): Agent {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'agent', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { exit, pid: child.pid!, output: () => output, kill: (s) => child.kill(s) };
}

async function waitFor(what: string, check: () => boolean, agent: Agent, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; agent output:\n${agent.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const records = (file: string): TelemetryRecord[] => (existsSync(file) ? readTelemetryFile(readFileSync(file, 'utf8')) : []);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('agent/main.ts', () => {
  it('on SIGTERM (a cancel): stops the harness, commits and pushes the work, reports, exits 143', async () => {
    const workspace = origin.dir('workspace');
    const telemetryFile = path.join(origin.root, 'telemetry.jsonl');
    const steps = [
      { type: 'write', path: 'src/feature.ts', content: 'export const feature = 1;\n' },
      { type: 'commit', message: 'Add the feature' },
      { type: 'write', path: 'WIP.md', content: 'work in progress, not committed\n' },
      { type: 'run', command: 'echo $$ > ../sleeper.pid; exec sleep 30' },
      { type: 'write', path: 'never.txt', content: 'never\n' },
    ];
    const payload = testPayload(origin, {
      harness: { type: 'replay', trajectoryRef: origin.file('t.json', JSON.stringify({ version: 1, steps, result: { turns: 1, costUsd: 0.01 } })) },
      verify: { build: [], test: ['true'], lint: [], gating: 'strict' },
    });
    const agent = startAgent({ ABCA_SESSION: JSON.stringify(payload), ABCA_WORKSPACE: workspace, ABCA_TELEMETRY_FILE: telemetryFile });
    const pidFile = path.join(workspace, 'sleeper.pid');
    await waitFor('the long run step', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', agent);
    const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
    expect(isAlive(sleeper)).toBe(true);

    const signalled = Date.now();
    agent.kill('SIGTERM');
    const exit = await agent.exit;
    expect(exit).toEqual({ code: 143, signal: null });
    expect(Date.now() - signalled).toBeLessThan(20_000);
    expect(isAlive(sleeper)).toBe(false);

    // The pushed branch has the committed work and the uncommitted work (safety net), with trailers.
    const branch = payload.branchName;
    expect(origin.show(branch, 'src/feature.ts')).toBe('export const feature = 1;');
    expect(origin.show(branch, 'WIP.md')).toBe('work in progress, not committed');
    expect(() => origin.show(branch, 'never.txt')).toThrow();
    const messages = origin.messages(branch);
    expect(messages.map((m) => m.split('\n')[0])).toEqual(['Add the feature', SAFETY_NET_MESSAGE]);
    for (const m of messages) expect(trailerLines(m, 'Task-Id')).toEqual([`Task-Id: ${payload.taskId}`]);

    // The final report says it was stopped.
    const all = records(telemetryFile);
    const final = all.filter((r) => r.type === 'final_report');
    expect(final).toHaveLength(1);
    expect(final[0]).toMatchObject({
      taskId: payload.taskId,
      sessionId: payload.sessionId,
      report: { outcome: 'error', commits: 2, prUrl: null, error: `the session was stopped (SIGTERM) before it finished; the work so far is on branch ${branch}` },
    });
    expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.some((r) => r.type === 'heartbeat')).toBe(true);
  });

  it('on SIGTERM with a harness that ignores it: the work is saved directly within the grace period', async () => {
    const workspace = origin.dir('workspace');
    const telemetryFile = path.join(origin.root, 'telemetry.jsonl');
    const payload = testPayload(origin, {
      harness: { type: 'command', command: ['sh', '-c', 'trap "" TERM; echo $$ > ../stubborn.pid; echo wip > WIP.md; sleep 30'], promptVia: 'stdin' },
    });
    const agent = startAgent({ ABCA_SESSION: JSON.stringify(payload), ABCA_WORKSPACE: workspace, ABCA_TELEMETRY_FILE: telemetryFile, ABCA_SHUTDOWN_GRACE_MS: '9000' });
    const pidFile = path.join(workspace, 'stubborn.pid');
    await waitFor('the stubborn harness', () => existsSync(path.join(workspace, 'repo', 'WIP.md')) && existsSync(pidFile), agent);
    const stubborn = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      agent.kill('SIGTERM');
      expect((await agent.exit).code).toBe(143);
      expect(origin.show(payload.branchName, 'WIP.md')).toBe('wip');
      expect(agent.output()).toContain('running the safety net directly');
    } finally {
      try {
        process.kill(-stubborn, 'SIGKILL'); // the compute's SIGKILL of the tree, in production
      } catch {
        /* gone */
      }
    }
  });

  it('runs a session from --payload and exits 0 on success', async () => {
    const workspace = origin.dir('workspace');
    const telemetryFile = path.join(origin.root, 'telemetry.jsonl');
    const memoryDir = path.join(origin.root, 'memory');
    const payloadFile = path.join(origin.root, 'payload.json');
    const payload: SessionPayload = testPayload(origin, {
      harness: { type: 'command', command: ['sh', '-c', 'cat >/dev/null; echo "nothing to change"'], promptVia: 'stdin' },
    });
    writeFileSync(payloadFile, JSON.stringify(payload));
    // With a token the real GitHub client (octokit, ESM) is built: it must load under tsx/cjs too.
    const agent = startAgent({ ABCA_TELEMETRY_FILE: telemetryFile, ABCA_MEMORY_DIR: memoryDir, ABCA_SESSION: '', ABCA_GIT_TOKEN: 'tok' }, ['--payload', payloadFile, '--workspace', workspace]);
    const exit = await agent.exit;
    expect({ exit, output: exit.code === 0 ? '' : agent.output() }).toEqual({ exit: { code: 0, signal: null }, output: '' });
    expect(existsSync(path.join(workspace, 'repo', 'README.md'))).toBe(true);
    const final = records(telemetryFile).find((r) => r.type === 'final_report');
    expect(final).toMatchObject({ report: { outcome: 'success', commits: 0, turns: 1 } });
    expect(readFileSync(path.join(memoryDir, 'octo__widgets.jsonl'), 'utf8')).toContain(payload.taskId);
  });

  it('exits 2 without a usable payload', async () => {
    const agent = startAgent({ ABCA_SESSION: '{"taskId": 1}' });
    expect((await agent.exit).code).toBe(2);
    expect(agent.output()).toContain('the session payload needs taskId');
  });
});

describe('parsePayload / parseArgs', () => {
  it('accepts a full payload and names the first missing piece otherwise', () => {
    const o = createOrigin({ a: 'a' });
    try {
      const payload = testPayload(o);
      expect(parsePayload(JSON.stringify(payload))).toEqual(payload);
      expect(() => parsePayload('nope')).toThrow('not valid JSON');
      expect(() => parsePayload(JSON.stringify({ ...payload, harness: { type: 'command', command: [] } }))).toThrow('a command harness needs');
      expect(() => parsePayload(JSON.stringify({ ...payload, verify: { build: [], test: [], lint: [], gating: 'lenient' } }))).toThrow('gating');
      // nudgesRef is optional: payloads from before nudges still parse.
      expect(payload.nudgesRef).toBeUndefined();
      const withInbox = { ...payload, nudgesRef: 'file:///blobs/nudges/T-1/' };
      expect(parsePayload(JSON.stringify(withInbox))).toEqual(withInbox);
      expect(() => parsePayload(JSON.stringify({ ...payload, nudgesRef: '' }))).toThrow('nudgesRef, when given, must be a non-empty string');
      expect(() => parsePayload(JSON.stringify({ ...payload, nudgesRef: 7 }))).toThrow('nudgesRef');
    } finally {
      o.cleanup();
    }
  });
  it('parses the arguments', () => {
    expect(parseArgs(['--payload', 'p.json', '--workspace', '/w'])).toEqual({ payloadFile: 'p.json', workspace: '/w' });
    expect(() => parseArgs(['--nope'])).toThrow('unknown argument');
    expect(() => parseArgs(['--payload'])).toThrow('needs a value');
  });
});
