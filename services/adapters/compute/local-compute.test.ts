/**
 * The local compute with real child processes: a tiny fake agent (a node script) writes its
 * environment to its workspace and behaves as its task id says:
 *
 *   trap-…        on SIGTERM writes sigterm.marker (its "safety-net push") and exits 0 after 150 ms
 *   ignore-…      on SIGTERM writes sigterm.marker and keeps running (SIGKILL after the grace period)
 *   tree-…        spawns a grandchild, then behaves as trap
 *   orphan-…      spawns a grandchild that ignores SIGTERM, then behaves as trap
 *   exit-…        exits with code 3 at once
 *   read-…        tries to read the file named by the payload's promptRef, then behaves as trap
 *
 * The sandbox tests run only where bubblewrap works (apt-get install bubblewrap); elsewhere they are
 * reported as skipped.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionPayload } from '../../../schemas/agent/contracts';
import type { SessionHandle, SessionInput } from '../../ports/compute';
import { ComputeStartError } from '../../tasks/session/compute-errors';
import { BASE_ENV, LocalCompute, buildAgentEnv, bwrapArgs, validatePassEnv, type LocalComputeOptions, type LocalSessionExit } from './local-compute';
import { descendantsOf, isAlive, startTicksOf } from './process-tree';

const FAKE_AGENT = String.raw`
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const payload = JSON.parse(process.env.ABCA_SESSION);
const mode = payload.taskId.split('-')[0];
fs.appendFileSync('starts.log', process.pid + '\n');
console.log('hello from the fake agent', payload.sessionId);
fs.writeFileSync('env.json', JSON.stringify({ env: process.env, uid: process.getuid(), gid: process.getgid(), cwd: process.cwd(), pid: process.pid }));
if (mode === 'exit') process.exit(3);
if (mode === 'read') {
  const result = {};
  try { result.content = fs.readFileSync(payload.promptRef, 'utf8'); } catch (e) { result.error = e.code; }
  try { result.parent = fs.readdirSync(path.dirname(process.cwd())); } catch (e) { result.parentError = e.code; }
  try { result.root = fs.readdirSync('/'); } catch (e) { result.rootError = e.code; }
  fs.writeFileSync('read.json', JSON.stringify(result));
}
if (mode === 'tree' || mode === 'orphan') {
  // The grandchild says when it is ready (its SIGTERM handler set), so a stop cannot overtake it.
  const code = (mode === 'orphan' ? "process.on('SIGTERM', () => {}); " : '') + "require('fs').writeFileSync('grandchild.ready', ''); setInterval(() => {}, 1000)";
  const grandchild = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  fs.writeFileSync('grandchild.pid', String(grandchild.pid));
}
process.on('SIGTERM', () => {
  fs.writeFileSync('sigterm.marker', new Date().toISOString());
  if (mode !== 'ignore') setTimeout(() => process.exit(0), 150);
});
fs.writeFileSync('ready', '');
setInterval(() => {}, 1000);
`;

const isRoot = process.getuid?.() === 0;
const BWRAP_PROBE = ['--die-with-parent', '--new-session', '--unshare-all', '--share-net', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev'];
const hasBwrap = spawnSync('bwrap', [...BWRAP_PROBE, ...(isRoot ? ['--uid', '65534', '--gid', '65534'] : []), '--', 'true']).status === 0;

let root: string;
let script: string;
const silent = { warn: jest.fn(), info: jest.fn() };
const started: Array<{ compute: LocalCompute; handle: SessionHandle }> = [];

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'abca-local-compute-'));
  chmodSync(root, 0o755); // the agent may run as nobody: it must reach its script and workspace
  script = path.join(root, 'fake-agent.js');
  writeFileSync(script, FAKE_AGENT, { mode: 0o644 });
});

afterEach(async () => {
  // Never leave a process behind, whatever a test did.
  await Promise.all(started.splice(0).map(({ compute, handle }) => compute.stopSession(handle)));
  silent.warn.mockClear();
  silent.info.mockClear();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function newBaseDir(): string {
  const dir = mkdtempSync(path.join(root, 'base-'));
  chmodSync(dir, 0o711);
  return dir;
}

const payloadOf = (input: SessionInput): SessionPayload => ({
  ...input,
  cloneUrl: 'http://forge.test/acme/widgets.git',
  gitApiUrl: 'http://forge.test/api',
  harness: { type: 'replay', trajectoryRef: 'file:///dev/null' },
  verify: { build: [], test: [], lint: [], gating: 'informational' },
  telemetry: { streamName: 'telemetry', region: 'us-east-1' },
  heartbeatSeconds: 30,
});

function inputFor(taskId: string, overrides: Partial<SessionInput> = {}): SessionInput {
  return {
    taskId,
    sessionId: `s-${taskId}-1`,
    userId: 'u-1',
    repo: 'acme/widgets',
    branchName: `bgagent/${taskId}/fix`,
    issueNumber: null,
    promptRef: 'file:///prompts/p.md',
    promptVersion: 'v1',
    modelId: 'claude-test',
    maxTurns: 5,
    maxBudgetUsd: null,
    deadlineAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function newCompute(options: Partial<LocalComputeOptions> = {}): LocalCompute {
  return new LocalCompute({
    baseDir: options.baseDir ?? newBaseDir(),
    payload: payloadOf,
    command: [process.execPath, script],
    sandbox: 'none',
    stopGraceMs: 3000,
    logger: silent,
    ...options,
  });
}

async function start(compute: LocalCompute, input: SessionInput): Promise<SessionHandle> {
  const handle = await compute.startSession(input);
  started.push({ compute, handle });
  return handle;
}

/** The deadline only guards against a hang: a loaded machine may take many seconds. */
async function waitFor<T>(probe: () => T | undefined | false | null, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const fileIn = (compute: LocalCompute, sessionId: string, name: string) => path.join(compute.workspaceOf(sessionId), name);
const readyFile = (compute: LocalCompute, sessionId: string) => waitFor(() => existsSync(fileIn(compute, sessionId, 'ready')), `${sessionId} to be ready`);
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

interface AgentView {
  env: Record<string, string>;
  uid: number;
  gid: number;
  cwd: string;
  pid: number;
}

function withParentEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return body().finally(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

const PLATFORM_SECRETS = { ABCA_ADMIN_KEY: 'admin-secret', AWS_SECRET_ACCESS_KEY: 'aws-secret', AWS_REGION: 'eu-west-1', GITHUB_TOKEN: 'ghp_secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

describe('environment allowlist', () => {
  test('the agent sees only PATH/LANG/…, HOME = workspace, the session variables and what is allowlisted', async () => {
    await withParentEnv(PLATFORM_SECRETS, async () => {
      const compute = newCompute({ passEnv: ['ANTHROPIC_API_KEY'], env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
      const input = inputFor('trap-env');
      await start(compute, input);
      await readyFile(compute, input.sessionId);
      const view = readJson<AgentView>(fileIn(compute, input.sessionId, 'env.json'));
      const workspace = compute.workspaceOf(input.sessionId);

      const expected = [...BASE_ENV.filter((n) => process.env[n] !== undefined), 'PATH', 'LANG', 'HOME', 'ABCA_SESSION', 'ABCA_SESSION_ID', 'ABCA_WORKSPACE', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'];
      expect(Object.keys(view.env).sort()).toEqual([...new Set(expected)].sort());
      expect(view.env.ABCA_ADMIN_KEY).toBeUndefined();
      expect(view.env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
      expect(view.env.GITHUB_TOKEN).toBeUndefined();
      expect(view.env.ANTHROPIC_API_KEY).toBe('sk-ant-test');
      expect(view.env.HOME).toBe(workspace);
      expect(view.env.ABCA_WORKSPACE).toBe(workspace);
      expect(view.cwd).toBe(workspace);
      expect(JSON.parse(view.env.ABCA_SESSION!)).toEqual(payloadOf(input));
      if (isRoot) expect([view.uid, view.gid]).toEqual([65534, 65534]); // the Claude SDK refuses bypassPermissions as root
    });
  });

  test('AWS_* passes the AWS variables when configured, and still nothing else', async () => {
    await withParentEnv(PLATFORM_SECRETS, async () => {
      const compute = newCompute({ passEnv: ['AWS_*'] });
      const input = inputFor('trap-aws');
      await start(compute, input);
      await readyFile(compute, input.sessionId);
      const { env } = readJson<AgentView>(fileIn(compute, input.sessionId, 'env.json'));
      expect(env.AWS_SECRET_ACCESS_KEY).toBe('aws-secret');
      expect(env.AWS_REGION).toBe('eu-west-1');
      expect(env.ABCA_ADMIN_KEY).toBeUndefined();
      expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    });
  });

  test('buildAgentEnv: allowlist patterns, defaults, session variables win', () => {
    const env = buildAgentEnv({
      parentEnv: { PATH: '/bin', ABCA_ADMIN_KEY: 'x', AWS_REGION: 'r', AWSX: 'no', HOME: '/root', ABCA_SESSION: 'forged' },
      passEnv: ['AWS_*'],
      env: { EXTRA: '1' },
      workspace: '/w',
      sessionId: 's-1',
      payloadJson: '{}',
    });
    expect(env).toEqual({ PATH: '/bin', LANG: 'C.UTF-8', AWS_REGION: 'r', EXTRA: '1', HOME: '/w', ABCA_SESSION: '{}', ABCA_SESSION_ID: 's-1', ABCA_WORKSPACE: '/w' });
  });

  test('a bare * or a malformed pattern is refused; env cannot set the session variables', () => {
    expect(() => validatePassEnv(['*'])).toThrow(/passEnv/);
    expect(() => validatePassEnv(['AWS_*_KEY'])).toThrow(/passEnv/);
    expect(() => validatePassEnv(['ANTHROPIC_API_KEY', 'AWS_*'])).not.toThrow();
    expect(() => newCompute({ env: { HOME: '/root' } })).toThrow(/HOME/);
    expect(() => newCompute({ env: { ABCA_SESSION: '{}' } })).toThrow(/ABCA_SESSION/);
  });
});

describe('start', () => {
  test('starting the same session again (concurrently or later) returns the same handle and spawns once', async () => {
    const compute = newCompute();
    const input = inputFor('trap-idem');
    const [a, b] = await Promise.all([start(compute, input), start(compute, input)]);
    await readyFile(compute, input.sessionId);
    const c = await start(compute, input);
    expect(a).toEqual({ computeType: 'local', sessionId: input.sessionId, ref: expect.stringMatching(/^\d+$/) });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(readFileSync(fileIn(compute, input.sessionId, 'starts.log'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('stdout and stderr go to agent.log next to the workspace, not inside it', async () => {
    const compute = newCompute();
    const input = inputFor('trap-log');
    await start(compute, input);
    await readyFile(compute, input.sessionId);
    const log = compute.logFileOf(input.sessionId);
    expect(path.dirname(log)).toBe(path.dirname(compute.workspaceOf(input.sessionId)));
    await waitFor(() => readFileSync(log, 'utf8').includes('hello from the fake agent'), 'the log line');
    expect(readFileSync(log, 'utf8')).toMatch(/session s-trap-log-1 \(task trap-log\) starting; sandbox none/);
  });

  test('a command that cannot be spawned → permanent ComputeStartError, and the claim is released', async () => {
    const compute = newCompute({ command: [path.join(root, 'no-such-agent')] });
    const input = inputFor('trap-missing');
    const err = await compute.startSession(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(false);
    expect(await compute.recordOf(input.sessionId)).toBeUndefined();
    expect(await compute.describe({ computeType: 'local', sessionId: input.sessionId })).toBe('unknown');
  });

  test('the default command needs agent/main.ts under repoRoot', async () => {
    const repoRoot = mkdtempSync(path.join(root, 'repo-'));
    const compute = newCompute({ command: undefined, repoRoot });
    const err = await compute.startSession(inputFor('trap-nomain')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as Error).message).toMatch(/agent[/\\]main\.ts does not exist/);
    expect((err as ComputeStartError).retryable).toBe(false);
  });

  test('a payload for another session is refused (permanent)', async () => {
    const compute = newCompute({ payload: (input) => ({ ...payloadOf(input), sessionId: 's-other-1' }) });
    const err = await compute.startSession(inputFor('trap-wrongpayload')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(false);
  });

  test('a session id that cannot name a directory is refused', async () => {
    const compute = newCompute();
    await expect(compute.startSession(inputFor('x', { sessionId: '../escape' }))).rejects.toThrow(ComputeStartError);
  });

  test("sandbox 'auto' without bwrap: plain process, one warning; sandbox 'bwrap' without it: permanent error", async () => {
    const compute = newCompute({ sandbox: 'auto', bwrapPath: path.join(root, 'no-bwrap') });
    const a = inputFor('trap-nobwrap1');
    const b = inputFor('trap-nobwrap2');
    await start(compute, a);
    await start(compute, b);
    expect((await compute.recordOf(a.sessionId))?.sandbox).toBe('none');
    expect(silent.warn).toHaveBeenCalledTimes(1);
    expect(silent.warn.mock.calls[0]![0]).toMatch(/WITHOUT a sandbox/);

    const strict = newCompute({ sandbox: 'bwrap', bwrapPath: path.join(root, 'no-bwrap') });
    const err = await strict.startSession(inputFor('trap-strict')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as ComputeStartError).retryable).toBe(false);
  });

  (isRoot ? test : test.skip)('as root without bwrap: a workspace the agent user cannot reach is a permanent error', async () => {
    const hidden = mkdtempSync(path.join(root, 'hidden-')); // 0700, owned by root
    const compute = newCompute({ baseDir: path.join(hidden, 'base') });
    const err = await compute.startSession(inputFor('trap-hidden')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComputeStartError);
    expect((err as Error).message).toMatch(/not traversable/);
    expect((err as ComputeStartError).retryable).toBe(false);
  });
});

describe('stop', () => {
  test('SIGTERM reaches the agent, which writes its marker and exits within the grace period', async () => {
    const exits: LocalSessionExit[] = [];
    const compute = newCompute({ stopGraceMs: 5000, onExit: (e) => void exits.push(e) });
    const input = inputFor('trap-stop');
    const handle = await start(compute, input);
    await readyFile(compute, input.sessionId);
    expect(await compute.describe(handle)).toBe('running');

    await compute.stopSession(handle);
    expect(existsSync(fileIn(compute, input.sessionId, 'sigterm.marker'))).toBe(true);
    expect(await compute.describe(handle)).toBe('ended');
    // It exited on its own (code 0, no signal): not SIGKILLed at the end of the grace period.
    // stopSession returns once the exit is recorded and onExit ran.
    expect(exits).toEqual([{ sessionId: input.sessionId, taskId: input.taskId, exitCode: 0, signal: null, stopRequested: true, logFile: compute.logFileOf(input.sessionId) }]);
    expect((await compute.recordOf(input.sessionId))?.exit).toMatchObject({ exitCode: 0, signal: null });
    await compute.stopSession(handle); // idempotent
  });

  test('an agent that ignores SIGTERM is SIGKILLed after the grace period', async () => {
    const exits: LocalSessionExit[] = [];
    const compute = newCompute({ stopGraceMs: 1200, onExit: (e) => void exits.push(e) });
    const input = inputFor('ignore-stop');
    const handle = await start(compute, input);
    await readyFile(compute, input.sessionId);
    const pid = Number(handle.ref);

    const t0 = Date.now();
    await compute.stopSession(handle);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1150);
    expect(took).toBeLessThan(20_000); // a guard: killed, not waited on forever
    expect(existsSync(fileIn(compute, input.sessionId, 'sigterm.marker'))).toBe(true);
    expect(isAlive(pid, null)).toBe(false);
    await waitFor(() => exits.length === 1, 'onExit');
    expect(exits[0]).toMatchObject({ exitCode: null, signal: 'SIGKILL', stopRequested: true });
  });

  test('the whole process tree goes: a grandchild is terminated with the agent', async () => {
    const compute = newCompute();
    const input = inputFor('tree-stop');
    const handle = await start(compute, input);
    await readyFile(compute, input.sessionId);
    const grandchild = Number(await waitFor(() => existsSync(fileIn(compute, input.sessionId, 'grandchild.pid')) && readFileSync(fileIn(compute, input.sessionId, 'grandchild.pid'), 'utf8'), 'the grandchild'));
    expect(isAlive(grandchild, null)).toBe(true);

    await compute.stopSession(handle);
    await waitFor(() => !isAlive(grandchild, null), 'the grandchild to die');
  });

  test('a grandchild that ignores SIGTERM is SIGKILLed once the agent has exited', async () => {
    // A long grace period, so "did not wait it out" holds however slow the machine is.
    const compute = newCompute({ stopGraceMs: 30_000 });
    const input = inputFor('orphan-stop');
    const handle = await start(compute, input);
    await readyFile(compute, input.sessionId);
    const file = fileIn(compute, input.sessionId, 'grandchild.pid');
    const grandchild = Number(await waitFor(() => existsSync(file) && readFileSync(file, 'utf8'), 'the grandchild'));
    await waitFor(() => existsSync(fileIn(compute, input.sessionId, 'grandchild.ready')), 'the grandchild to ignore SIGTERM');
    const ticks = startTicksOf(grandchild);

    const t0 = Date.now();
    await compute.stopSession(handle);
    expect(Date.now() - t0).toBeLessThan(20_000); // no need to wait the whole grace once the agent is gone
    expect(isAlive(grandchild, ticks)).toBe(false);
    expect(existsSync(fileIn(compute, input.sessionId, 'sigterm.marker'))).toBe(true);
  });

  test('stopping a session that never started is a no-op', async () => {
    const compute = newCompute();
    await expect(compute.stopSession({ computeType: 'local', sessionId: 's-never-1' })).resolves.toBeUndefined();
    await expect(compute.stopSession({ computeType: 'local', sessionId: '../x' })).resolves.toBeUndefined();
  });
});

describe('describe and exit', () => {
  test('unknown → running → ended; onExit reports an agent that exits on its own', async () => {
    const exits: LocalSessionExit[] = [];
    const compute = newCompute({ onExit: (e) => void exits.push(e) });
    const input = inputFor('exit-self');
    const handle = { computeType: 'local' as const, sessionId: input.sessionId };
    expect(await compute.describe(handle)).toBe('unknown');
    await start(compute, input);
    await waitFor(() => exits.length === 1, 'onExit');
    expect(exits[0]).toMatchObject({ sessionId: input.sessionId, taskId: 'exit-self', exitCode: 3, signal: null, stopRequested: false });
    expect(await compute.describe(handle)).toBe('ended');
    expect((await compute.recordOf(input.sessionId))?.exit).toMatchObject({ exitCode: 3, signal: null });
    // An ended session is not started again.
    expect(await compute.startSession(input)).toMatchObject({ sessionId: input.sessionId });
    expect(readFileSync(fileIn(compute, input.sessionId, 'starts.log'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test('the registry survives a new LocalCompute (platform restart): same handle, no second spawn, stop works', async () => {
    const baseDir = newBaseDir();
    const first = newCompute({ baseDir });
    const input = inputFor('trap-restart');
    const handle = await start(first, input);
    await readyFile(first, input.sessionId);
    const record = await first.recordOf(input.sessionId);
    expect(record).toMatchObject({ state: 'started', pid: Number(handle.ref), sandbox: 'none' });
    expect(record?.startTicks).toEqual(expect.any(Number));

    const second = newCompute({ baseDir });
    expect(await second.describe(handle)).toBe('running');
    expect(await second.startSession(input)).toEqual(handle);
    expect(readFileSync(fileIn(second, input.sessionId, 'starts.log'), 'utf8').trim().split('\n')).toHaveLength(1);

    await second.stopSession({ computeType: 'local', sessionId: input.sessionId }); // no ref needed
    expect(existsSync(fileIn(second, input.sessionId, 'sigterm.marker'))).toBe(true);
    expect(await second.describe(handle)).toBe('ended');
    expect(await first.describe(handle)).toBe('ended');
  });

  test('a recorded pid that now belongs to another process (other start time) is not the agent', async () => {
    const baseDir = newBaseDir();
    const compute = newCompute({ baseDir });
    const input = inputFor('trap-recycled');
    const handle = await start(compute, input);
    await readyFile(compute, input.sessionId);
    const recordFile = path.join(baseDir, 'registry', `${input.sessionId}.json`);
    const record = readJson<Record<string, unknown>>(recordFile);
    writeFileSync(recordFile, JSON.stringify({ ...record, startTicks: (record.startTicks as number) - 1 }));
    expect(await newCompute({ baseDir }).describe(handle)).toBe('ended');
    writeFileSync(recordFile, JSON.stringify(record)); // so afterEach stops it
  });
});

test('bwrapArgs: namespaces, read-only system and repo binds, one writable workspace, unprivileged user', () => {
  const args = bwrapArgs({ workspace: '/srv/abca/sessions/s-1/workspace', readOnlyPaths: ['/work/repo/node_modules', '/work/repo/agent', '/usr/bin/node'], runAs: { uid: 65534, gid: 65534 } });
  const joined = args.join(' ');
  for (const flag of ['--die-with-parent', '--new-session', '--unshare-all', '--share-net', '--cap-drop ALL', '--proc /proc', '--dev /dev', '--tmpfs /tmp']) expect(joined).toContain(flag);
  expect(joined).toContain('--ro-bind /usr /usr');
  expect(joined).toContain('--ro-bind-try /etc/resolv.conf /etc/resolv.conf');
  expect(joined).toContain('--ro-bind /work/repo/node_modules /work/repo/node_modules');
  expect(joined).toContain('--ro-bind /work/repo/agent /work/repo/agent');
  expect(joined).not.toContain('--ro-bind /usr/bin/node'); // already under /usr
  const writable = args.flatMap((a, i) => (a === '--bind' ? [args[i + 1]] : []));
  expect(writable).toEqual(['/srv/abca/sessions/s-1/workspace']);
  expect(joined).toMatch(/--chdir \/srv\/abca\/sessions\/s-1\/workspace --uid 65534 --gid 65534$/);
});

if (!hasBwrap) {
  test.skip('inside bubblewrap: SKIPPED, bwrap is not installed or cannot create namespaces here (apt-get install bubblewrap)', () => undefined);
}

(hasBwrap ? describe : describe.skip)('inside bubblewrap', () => {
  const sandboxed = (options: Partial<LocalComputeOptions> = {}) => newCompute({ sandbox: 'bwrap', ...options });

  test('the agent cannot read a file outside its workspace, sees no platform directories, and has the allowlisted env only', async () => {
    const secret = path.join(root, 'platform-secret.txt');
    writeFileSync(secret, 'do not read', { mode: 0o644 });
    await withParentEnv(PLATFORM_SECRETS, async () => {
      const compute = sandboxed();
      const input = inputFor('read-bwrap', { promptRef: secret });
      await start(compute, input);
      expect((await compute.recordOf(input.sessionId))?.sandbox).toBe('bwrap');
      await readyFile(compute, input.sessionId);
      const result = readJson<{ content?: string; error?: string; parent?: string[]; root?: string[] }>(fileIn(compute, input.sessionId, 'read.json'));
      expect(result.content).toBeUndefined();
      expect(result.error).toBe('ENOENT');
      expect(result.parent).toEqual(['workspace']); // not agent.log, not other sessions
      expect(result.root).not.toContain('root');
      const view = readJson<AgentView>(fileIn(compute, input.sessionId, 'env.json'));
      expect(view.env.ABCA_ADMIN_KEY).toBeUndefined();
      expect(view.env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
      expect(view.env.HOME).toBe(compute.workspaceOf(input.sessionId));
      if (isRoot) expect(view.uid).toBe(65534);
    });
  });

  test('stop: SIGTERM reaches the sandboxed agent (marker written) and the whole sandbox is gone', async () => {
    const compute = sandboxed({ stopGraceMs: 5000 });
    const input = inputFor('tree-bwrap');
    const handle = await start(compute, input);
    await readyFile(compute, input.sessionId);
    await waitFor(() => existsSync(fileIn(compute, input.sessionId, 'grandchild.pid')), 'the grandchild');
    const tree = descendantsOf(Number(handle.ref));
    expect(tree.length).toBeGreaterThanOrEqual(3); // bwrap's init, the agent, its grandchild

    await compute.stopSession(handle);
    expect(existsSync(fileIn(compute, input.sessionId, 'sigterm.marker'))).toBe(true);
    expect(isAlive(Number(handle.ref), null)).toBe(false);
    for (const p of tree) expect(isAlive(p.pid, p.startTicks)).toBe(false);
    expect(await compute.describe(handle)).toBe('ended');
  });

  test('stop: a sandboxed agent ignoring SIGTERM is killed after the grace period', async () => {
    const compute = sandboxed({ stopGraceMs: 1000 });
    const input = inputFor('ignore-bwrap');
    const handle = await start(compute, input);
    await readyFile(compute, input.sessionId);
    const tree = descendantsOf(Number(handle.ref));
    const t0 = Date.now();
    await compute.stopSession(handle);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(existsSync(fileIn(compute, input.sessionId, 'sigterm.marker'))).toBe(true);
    for (const p of tree) expect(isAlive(p.pid, p.startTicks)).toBe(false);
  });

  test("TypeScript through the repo's tsx (node_modules bound read-only) runs inside the sandbox", async () => {
    const tsScript = path.join(root, 'agent.ts');
    writeFileSync(tsScript, "const where: string = process.cwd();\nrequire('fs').writeFileSync('ready', where);\nsetInterval(() => {}, 1000);\n", { mode: 0o644 });
    const compute = sandboxed({ command: [process.execPath, '--require', require.resolve('tsx/cjs'), tsScript] });
    const input = inputFor('trap-tsx');
    await start(compute, input);
    await readyFile(compute, input.sessionId);
    expect(readFileSync(fileIn(compute, input.sessionId, 'ready'), 'utf8')).toBe(compute.workspaceOf(input.sessionId));
  });
});
