/**
 * The image's AgentCore server (POST /invocations, GET /ping) with a scripted launcher, then with
 * the real child-process launcher, then the entry point itself as a process in both modes
 * (AgentCore: waits for an invocation; ECS: ABCA_SESSION given, exits with the agent's code).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionPayload } from '../contracts';
import { AgentServer, spawnAgent, type AgentExit, type AgentLauncher } from './agentcore-server';
import { agentCommand, exitCodeOf } from './entrypoint';

const payloadFor = (sessionId: string, taskId = 't-1'): SessionPayload => ({
  taskId,
  sessionId,
  userId: 'u-1',
  repo: 'acme/widgets',
  branchName: `bgagent/${taskId}/fix`,
  issueNumber: null,
  promptRef: 's3://prompts/p.md',
  promptVersion: 'v1',
  modelId: 'claude-test',
  maxTurns: 5,
  maxBudgetUsd: null,
  deadlineAt: '2030-01-01T00:00:00.000Z',
  cloneUrl: 'https://github.com/acme/widgets.git',
  gitApiUrl: 'https://api.github.com',
  harness: { type: 'replay', trajectoryRef: 'file:///dev/null' },
  verify: { build: [], test: [], lint: [], gating: 'informational' },
  telemetry: { streamName: 'telemetry', region: 'us-east-1' },
  heartbeatSeconds: 30,
});

/** A launcher whose agents end when the test says so. */
function scriptedLauncher() {
  const runs: Array<{ payload: SessionPayload; body: string; end: (exit: AgentExit) => void; signals: NodeJS.Signals[] }> = [];
  const launch: AgentLauncher = (payload, body) => {
    let end!: (exit: AgentExit) => void;
    const done = new Promise<AgentExit>((resolve) => (end = resolve));
    const run = { payload, body, end, signals: [] as NodeJS.Signals[] };
    runs.push(run);
    return { done, kill: (signal) => void run.signals.push(signal) };
  };
  return { launch, runs };
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'abca-agent-server-'));
  chmodSync(root, 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function http(port: number, method: string, urlPath: string, body?: string) {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('AgentServer', () => {
  let server: AgentServer;
  let port: number;
  let launcher: ReturnType<typeof scriptedLauncher>;

  beforeEach(async () => {
    launcher = scriptedLauncher();
    server = new AgentServer({ launch: launcher.launch, log: () => undefined, maxBodyBytes: 64 * 1024 });
    port = await server.listen(0, '127.0.0.1');
  });
  afterEach(() => server.close());

  test('/ping is Healthy when idle, HealthyBusy while the agent runs, Healthy again after it exits', async () => {
    expect(await http(port, 'GET', '/ping')).toEqual({ status: 200, body: { status: 'Healthy', time_of_last_update: expect.any(Number) } });
    const payload = payloadFor('s-a-1');
    expect(await http(port, 'POST', '/invocations', JSON.stringify(payload))).toEqual({ status: 200, body: { status: 'started', sessionId: 's-a-1' } });
    expect((await http(port, 'GET', '/ping')).body.status).toBe('HealthyBusy');
    expect(launcher.runs).toHaveLength(1);
    expect(launcher.runs[0]!.payload).toEqual(payload);
    expect(launcher.runs[0]!.body).toBe(JSON.stringify(payload));

    launcher.runs[0]!.end({ exitCode: 0, signal: null });
    await server.agentDone();
    const ping = await http(port, 'GET', '/ping');
    expect(ping.body.status).toBe('Healthy');
    expect(ping.body.time_of_last_update).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);
  });

  test('the same session again: already-running, then ended, never a second agent; another session while busy: 409', async () => {
    const body = JSON.stringify(payloadFor('s-a-1'));
    await http(port, 'POST', '/invocations', body);
    expect(await http(port, 'POST', '/invocations', body)).toEqual({ status: 200, body: { status: 'already-running', sessionId: 's-a-1' } });
    expect(await http(port, 'POST', '/invocations', JSON.stringify(payloadFor('s-b-1', 't-2')))).toEqual({ status: 409, body: { status: 'busy', sessionId: 's-a-1' } });
    launcher.runs[0]!.end({ exitCode: 2, signal: null });
    await server.agentDone();
    expect(await http(port, 'POST', '/invocations', body)).toEqual({ status: 200, body: { status: 'ended', sessionId: 's-a-1', exitCode: 2 } });
    expect(launcher.runs).toHaveLength(1);
  });

  test('bad requests: not JSON, not a payload, too large, wrong method, unknown path', async () => {
    expect((await http(port, 'POST', '/invocations', 'not json')).status).toBe(400);
    expect((await http(port, 'POST', '/invocations', JSON.stringify({ prompt: 'hi' }))).status).toBe(400);
    expect((await http(port, 'POST', '/invocations', JSON.stringify([1]))).status).toBe(400);
    expect((await http(port, 'POST', '/invocations', JSON.stringify({ ...payloadFor('s-a-1'), pad: 'x'.repeat(70 * 1024) }))).status).toBe(413);
    expect((await http(port, 'GET', '/invocations')).status).toBe(405);
    expect((await http(port, 'POST', '/ping', '{}')).status).toBe(405);
    expect((await http(port, 'GET', '/nope')).status).toBe(404);
    expect(launcher.runs).toHaveLength(0);
  });

  test('shutdown: SIGTERM to the agent, SIGKILL when it outlives the grace period', async () => {
    await http(port, 'POST', '/invocations', JSON.stringify(payloadFor('s-a-1')));
    const run = launcher.runs[0]!;
    const exit = server.shutdown(100);
    expect(run.signals).toEqual(['SIGTERM']); // at once
    await waitFor(() => run.signals.length === 2, 'SIGKILL after the grace period');
    expect(run.signals).toEqual(['SIGTERM', 'SIGKILL']);
    run.end({ exitCode: null, signal: 'SIGKILL' });
    expect(await exit).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});

const FAKE_AGENT = String.raw`
const fs = require('fs');
const payload = JSON.parse(process.env.ABCA_SESSION);
fs.writeFileSync('agent.json', JSON.stringify({ sessionId: payload.sessionId, envSessionId: process.env.ABCA_SESSION_ID, cwd: process.cwd() }));
if (payload.taskId === 'exit7') process.exit(7);
process.on('SIGTERM', () => { fs.writeFileSync('sigterm.marker', 'pushed'); process.exit(0); });
setInterval(() => {}, 1000);
`;

function fakeAgent(): { script: string; workspace: string } {
  const dir = mkdtempSync(path.join(root, 'agent-'));
  const script = path.join(dir, 'fake-agent.js');
  writeFileSync(script, FAKE_AGENT);
  const workspace = path.join(dir, 'workspace');
  mkdirSync(workspace);
  return { script, workspace };
}

/** The deadline only guards against a hang (a loaded machine may take many seconds). */
async function waitFor(probe: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('spawnAgent: the payload arrives in ABCA_SESSION, the agent runs in the workspace, SIGTERM reaches it', async () => {
  const { script, workspace } = fakeAgent();
  const server = new AgentServer({ launch: spawnAgent([process.execPath, script], workspace), log: () => undefined });
  const port = await server.listen(0, '127.0.0.1');
  await http(port, 'POST', '/invocations', JSON.stringify(payloadFor('s-real-1')));
  await waitFor(() => existsSync(path.join(workspace, 'agent.json')), 'the agent');
  expect(JSON.parse(readFileSync(path.join(workspace, 'agent.json'), 'utf8'))).toEqual({ sessionId: 's-real-1', envSessionId: 's-real-1', cwd: workspace });
  expect(await server.shutdown(5000)).toEqual({ exitCode: 0, signal: null });
  expect(readFileSync(path.join(workspace, 'sigterm.marker'), 'utf8')).toBe('pushed');
});

describe('entrypoint', () => {
  const entry = path.join(__dirname, 'entrypoint.ts');
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

  function runEntrypoint(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), entry], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = (async () => {
      await waitFor(() => /listening on port \d+/.test(out), `the server to listen (output: ${out})`);
      return Number(/listening on port (\d+)/.exec(out)![1]);
    })();
    return { child, exited, port, output: () => out };
  }

  test('ECS mode (ABCA_SESSION set): runs the session at once and exits with the agent exit code', async () => {
    const { script, workspace } = fakeAgent();
    const run = runEntrypoint({ ABCA_SESSION: JSON.stringify(payloadFor('s-ecs-1', 'exit7')), ABCA_AGENT_COMMAND: JSON.stringify([process.execPath, script]), ABCA_WORKSPACE: workspace });
    expect(await run.exited).toBe(7);
    expect(JSON.parse(readFileSync(path.join(workspace, 'agent.json'), 'utf8')).sessionId).toBe('s-ecs-1');
  }, 60_000);

  test('AgentCore mode: /ping, POST /invocations starts the agent, SIGTERM → the agent pushes, the server exits 0', async () => {
    const { script, workspace } = fakeAgent();
    const run = runEntrypoint({ ABCA_AGENT_COMMAND: JSON.stringify([process.execPath, script]), ABCA_WORKSPACE: workspace, ABCA_STOP_GRACE_MS: '5000' });
    const port = await run.port;
    expect((await http(port, 'GET', '/ping')).body.status).toBe('Healthy');
    expect((await http(port, 'POST', '/invocations', JSON.stringify(payloadFor('s-ac-1')))).body).toEqual({ status: 'started', sessionId: 's-ac-1' });
    await waitFor(() => existsSync(path.join(workspace, 'agent.json')), 'the agent');
    expect((await http(port, 'GET', '/ping')).body.status).toBe('HealthyBusy');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(readFileSync(path.join(workspace, 'sigterm.marker'), 'utf8')).toBe('pushed');
  }, 60_000);

  test('agentCommand: ABCA_AGENT_COMMAND, else the bundled dist/agent.js, else tsx + agent/main.ts', () => {
    expect(agentCommand({ ABCA_AGENT_COMMAND: '["node","x.js"]' })).toEqual(['node', 'x.js']);
    expect(() => agentCommand({ ABCA_AGENT_COMMAND: '"node x.js"' })).toThrow(/JSON array/);
    const dist = mkdtempSync(path.join(root, 'dist-'));
    writeFileSync(path.join(dist, 'agent.js'), '');
    expect(agentCommand({}, dist)).toEqual([process.execPath, path.join(dist, 'agent.js')]);
    expect(agentCommand({}, __dirname)).toEqual([process.execPath, '--require', require.resolve('tsx/cjs'), path.resolve(__dirname, '..', 'main.ts')]);
  });

  test('exitCodeOf: the code, 128 + signal number, 0 without an agent', () => {
    expect(exitCodeOf({ exitCode: 3, signal: null })).toBe(3);
    expect(exitCodeOf({ exitCode: null, signal: 'SIGKILL' })).toBe(137);
    expect(exitCodeOf(null)).toBe(0);
  });
});
