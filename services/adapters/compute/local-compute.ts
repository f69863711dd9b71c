/**
 * The `local` compute: the agent runs as a child process on this machine, one workspace per session.
 *
 * Layout under `baseDir`:
 *
 *   registry/<sessionId>.json      the session's record (pid + start time, sandbox, exit): survives a
 *                                  platform restart; created with O_EXCL, so two starts of the same
 *                                  session (even from two processes) spawn one agent
 *   sessions/<sessionId>/agent.log the agent's stdout + stderr (next to the workspace, never inside the
 *                                  repository checkout)
 *   sessions/<sessionId>/workspace the agent's cwd and HOME; it clones the repository in there
 *
 * Environment. The agent gets an ALLOWLISTED environment, never the platform's: PATH, LANG, LC_ALL,
 * TZ (from the platform's environment when set), HOME = the workspace, the session variables
 * ABCA_SESSION (the SessionPayload JSON), ABCA_SESSION_ID and ABCA_WORKSPACE, the variables named by
 * `passEnv` (exact names, or prefixes ending in `*` such as `AWS_*`) and the explicit `env` values.
 * Anything else in the platform's environment (ABCA_ADMIN_KEY, AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN…)
 * does not reach the agent unless it is allowlisted.
 *
 * Sandbox. With `sandbox: 'auto'` (default) the agent runs inside bubblewrap when a probe of `bwrap`
 * succeeds at the first start (Debian package `bubblewrap`): `--unshare-all --share-net` (own pid,
 * ipc, uts, cgroup and user namespaces; the network is shared, the agent needs git and the model's
 * API), `--die-with-parent`, `--new-session`, `--cap-drop ALL`, read-only binds of /usr, /lib*, /bin,
 * /sbin, a few /etc files (resolv.conf, hosts, ssl certificates, passwd…), the node binary, the
 * repository code the agent loads (DEFAULT_REPO_BINDS: agent, services, schemas, local,
 * node_modules, package.json, tsconfig.json — never .abca/ or other data), absolute paths of the
 * command line and `readOnlyPaths`; a read-write bind of the workspace only; fresh /proc,
 * /dev and /tmp. So the agent sees no other workspace, no platform files, no platform processes.
 * Without bwrap it is a plain child process (a warning is logged once) — NOT a security boundary:
 * it sees the host's files; as the platform's own user it could even read /proc/<platform pid>/environ;
 * as nobody, every agent can read the other sessions' workspaces. Use it for development only.
 * `sandbox: 'bwrap'` refuses to start without a working bwrap.
 *
 * User. When the platform runs as root, the agent runs as 65534:65534 (nobody; `runAs` overrides):
 * the Claude Agent SDK refuses bypassPermissions as root. Inside bwrap that is `--uid/--gid` in the
 * sandbox's user namespace; without bwrap the child process really drops to that uid (the workspace
 * is chowned to it, and every directory above the workspace must be traversable by it).
 *
 * Process tree. The child is the leader of its own process group (detached; inside bwrap the sandbox
 * has its own session). stopSession sends SIGTERM (then SIGCONT, so a stopped agent handles it) to the agent's process groups (never to the bwrap
 * monitor: it would take the sandbox down at once), waits up to `stopGraceMs` (default 30 s) for the
 * agent's safety-net push and exit, then SIGKILLs whatever is left of the tree (process groups and
 * every descendant seen, by pid AND start time, so a recycled pid is never hit).
 *
 * A process is known by pid + start time (/proc/<pid>/stat), so describe() after a platform restart
 * tells a live agent from a recycled pid. `onExit` is called when an agent started by THIS instance
 * exits (code, signal, and whether a stop was requested): the platform uses it to treat "exited
 * without a final report" (outcome no_report). An agent adopted from an earlier platform process is
 * seen by describe() (ended) instead. Inside bwrap, `--die-with-parent` ends the sandbox when the
 * platform process dies; a plain child process survives it and is adopted through the registry.
 */
import { spawn, execFile, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { constants as fsConstants, existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, chown, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ComputeStrategy, SessionHandle, SessionInput, SessionLiveness } from '../../ports/compute';
import { createLogger, type Logger } from '../../kernel/logger';
import { ComputeStartError } from '../../tasks/session/compute-errors';
import { descendantsOf, isAlive, readStat, signalGroup, signalProcess, startTicksOf, type ProcStat } from './process-tree';
import { assertSafeSessionId } from './runtime-session-id';
import { SESSION_ENV, encodeSessionPayload, type SessionPayloadBuilder } from './session-payload';

export type LocalComputeLogger = Pick<Logger, 'warn' | 'info'>;

export interface LocalSessionExit {
  readonly sessionId: string;
  readonly taskId: string;
  /** The agent's exit code (inside bwrap: bwrap's, which passes the agent's on). */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stopSession was called for this session before it exited. */
  readonly stopRequested: boolean;
  readonly logFile: string;
}

type RunAs = 'auto' | 'current' | { readonly uid: number; readonly gid: number };

export interface LocalComputeOptions {
  /** Where the registry, workspaces and logs live (created when missing). */
  readonly baseDir: string;
  /** Composes the SessionPayload handed to the agent in ABCA_SESSION. */
  readonly payload: SessionPayloadBuilder;
  /** The repository root: agent code and node_modules (default: three levels above this file). */
  readonly repoRoot?: string;
  /**
   * The agent's argv. Default: `node --require tsx/cjs agent/main.ts` with absolute paths under
   * repoRoot (the node running the platform, tsx resolved from repoRoot). It runs in the workspace.
   */
  readonly command?: readonly string[];
  /** Names of platform variables the agent may see: exact names or `PREFIX*` (e.g. ANTHROPIC_API_KEY, AWS_*). */
  readonly passEnv?: readonly string[];
  /** Explicit variables for the agent (cannot override HOME or the ABCA_SESSION* / ABCA_WORKSPACE variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** 'auto' (default): bwrap when it works, else a plain process; 'bwrap': required; 'none': never. */
  readonly sandbox?: 'auto' | 'bwrap' | 'none';
  /** The bwrap binary (default `bwrap`, looked up on PATH). */
  readonly bwrapPath?: string;
  /** 'auto' (default): 65534:65534 when the platform runs as root, else the platform's user. */
  readonly runAs?: RunAs;
  /** Extra absolute paths bound read-only into the sandbox (the repo's agent code and node_modules are by default). */
  readonly readOnlyPaths?: readonly string[];
  /** SIGTERM → SIGKILL grace period of stopSession (default 30 000 ms). */
  readonly stopGraceMs?: number;
  /** Called when an agent started by this instance exits. */
  readonly onExit?: (exit: LocalSessionExit) => void | Promise<void>;
  readonly logger?: LocalComputeLogger;
}

/** What the registry keeps of a session (registry/<sessionId>.json). */
export interface LocalSessionRecord {
  readonly version: 1;
  readonly sessionId: string;
  readonly taskId: string;
  /** `starting` between the claim and the spawn; `started` once the pid is known. */
  readonly state: 'starting' | 'started';
  readonly claimedAt: string;
  /** The spawned process (the bwrap monitor inside a sandbox). */
  readonly pid?: number;
  /** Its start time (clock ticks since boot, /proc/<pid>/stat field 22); null without /proc. */
  readonly startTicks?: number | null;
  readonly startedAt?: string;
  readonly sandbox?: 'bwrap' | 'none';
  readonly workspace: string;
  readonly logFile: string;
  readonly stopRequestedAt?: string;
  readonly exit?: { readonly exitCode: number | null; readonly signal: string | null; readonly at: string };
}

/** Variables every agent gets from the platform's environment when set (nothing secret). */
export const BASE_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ'] as const;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SESSION_VARS = ['HOME', SESSION_ENV, 'ABCA_SESSION_ID', 'ABCA_WORKSPACE'] as const;
const NOBODY = { uid: 65534, gid: 65534 } as const;
const DEFAULT_GRACE_MS = 30_000;
/** A claim still `starting` after this long belongs to a platform process that died before spawning. */
const STALE_CLAIM_MS = 60_000;
const POLL_MS = 50;

/** Repository paths the sandboxed agent needs (read-only): its code, shared types, dependencies. */
const DEFAULT_REPO_BINDS = ['agent', 'services', 'schemas', 'local', 'node_modules', 'package.json', 'tsconfig.json'] as const;
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const ETC_FILES = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/host.conf',
  '/etc/nsswitch.conf',
  '/etc/gai.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/localtime',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/ca-certificates.conf',
  '/etc/pki',
  '/etc/gitconfig',
  '/etc/mime.types',
];

// ── pure helpers (exported for tests) ───────────────────────────────────────────────────────────

const ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

/** Validates `passEnv` patterns: names or `PREFIX*`; a bare `*` (everything) is refused. */
export function validatePassEnv(patterns: readonly string[]): void {
  for (const p of patterns) {
    if (!ENV_PATTERN.test(p)) throw new Error(`local compute: passEnv entry ${JSON.stringify(p)} is not a variable name or a PREFIX* pattern`);
  }
}

const allowed = (name: string, patterns: readonly string[]): boolean =>
  patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));

/** The agent's environment: the allowlist applied to `parentEnv`, plus the session's variables. */
export function buildAgentEnv(args: {
  readonly parentEnv: NodeJS.ProcessEnv;
  readonly passEnv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly workspace: string;
  readonly sessionId: string;
  readonly payloadJson: string;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of BASE_ENV) {
    const value = args.parentEnv[name];
    if (value !== undefined) out[name] = value;
  }
  out.PATH ??= DEFAULT_PATH;
  out.LANG ??= 'C.UTF-8';
  const patterns = args.passEnv ?? [];
  for (const [name, value] of Object.entries(args.parentEnv)) {
    if (value !== undefined && allowed(name, patterns)) out[name] = value;
  }
  Object.assign(out, args.env ?? {});
  out.HOME = args.workspace;
  out[SESSION_ENV] = args.payloadJson;
  out.ABCA_SESSION_ID = args.sessionId;
  out.ABCA_WORKSPACE = args.workspace;
  return out;
}

const under = (p: string, dir: string): boolean => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** bwrap's arguments (before `--` and the command) for a session. */
export function bwrapArgs(spec: {
  readonly workspace: string;
  readonly readOnlyPaths: readonly string[];
  readonly runAs: { readonly uid: number; readonly gid: number } | null;
}): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-all', '--share-net', '--cap-drop', 'ALL'];
  const systemRoots: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (st.isDirectory()) {
      args.push('--ro-bind', dir, dir);
      systemRoots.push(dir);
    }
  }
  for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  const seen = new Set<string>();
  for (const p of spec.readOnlyPaths) {
    if (seen.has(p) || systemRoots.some((root) => under(p, root)) || under(p, spec.workspace)) continue;
    seen.add(p);
    args.push('--ro-bind', p, p);
  }
  args.push('--bind', spec.workspace, spec.workspace, '--chdir', spec.workspace);
  if (spec.runAs) args.push('--uid', String(spec.runAs.uid), '--gid', String(spec.runAs.gid));
  return args;
}

/** Whether `bwrap` runs here with the namespaces the local compute uses (false when missing or not permitted). */
export function detectBwrap(bwrapPath = 'bwrap', runAs: { readonly uid: number; readonly gid: number } | null = null): Promise<boolean> {
  const args = ['--die-with-parent', '--new-session', '--unshare-all', '--share-net', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev'];
  if (runAs) args.push('--uid', String(runAs.uid), '--gid', String(runAs.gid));
  args.push('--', 'true');
  return new Promise((resolve) => {
    execFile(bwrapPath, args, { timeout: 10_000, env: { PATH: process.env.PATH ?? DEFAULT_PATH } }, (err) => resolve(!err));
  });
}

function resolveRunAs(runAs: RunAs | undefined): { readonly uid: number; readonly gid: number } | null {
  if (runAs === 'current') return null;
  if (runAs === undefined || runAs === 'auto') return process.getuid?.() === 0 ? NOBODY : null;
  return runAs;
}

// ── the compute ─────────────────────────────────────────────────────────────────────────────────

export class LocalCompute implements ComputeStrategy {
  readonly type = 'local' as const;
  private readonly baseDir: string;
  private readonly repoRoot: string;
  private readonly graceMs: number;
  private readonly runAs: { readonly uid: number; readonly gid: number } | null;
  private readonly logger: LocalComputeLogger;
  private sandboxMode: Promise<'bwrap' | 'none'> | undefined;
  private readonly starting = new Map<string, Promise<SessionHandle>>();
  private readonly stopping = new Map<string, Promise<void>>();
  /** Agents started by this instance: settles once their exit is recorded and onExit ran. */
  private readonly exits = new Map<string, Promise<void>>();
  private readonly recordLocks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: LocalComputeOptions) {
    validatePassEnv(options.passEnv ?? []);
    for (const name of Object.keys(options.env ?? {})) {
      if ((SESSION_VARS as readonly string[]).includes(name)) throw new Error(`local compute: env may not set ${name} (the compute sets it per session)`);
    }
    this.baseDir = path.resolve(options.baseDir);
    this.repoRoot = path.resolve(options.repoRoot ?? path.join(__dirname, '..', '..', '..'));
    this.graceMs = options.stopGraceMs ?? DEFAULT_GRACE_MS;
    this.runAs = resolveRunAs(options.runAs);
    this.logger = options.logger ?? createLogger('local-compute');
  }

  /** The session's workspace (the agent's cwd and HOME). */
  workspaceOf(sessionId: string): string {
    assertSafeSessionId(sessionId);
    return path.join(this.baseDir, 'sessions', sessionId, 'workspace');
  }

  /** The session's log (stdout + stderr), next to the workspace. */
  logFileOf(sessionId: string): string {
    assertSafeSessionId(sessionId);
    return path.join(this.baseDir, 'sessions', sessionId, 'agent.log');
  }

  /** The registry's record of a session (undefined when never started). */
  async recordOf(sessionId: string): Promise<LocalSessionRecord | undefined> {
    assertSafeSessionId(sessionId);
    return this.readRecord(sessionId);
  }

  /** Whether sessions run inside bubblewrap (decided once, at the first start). */
  sandbox(): Promise<'bwrap' | 'none'> {
    this.sandboxMode ??= this.decideSandbox();
    return this.sandboxMode;
  }

  startSession(input: SessionInput): Promise<SessionHandle> {
    try {
      assertSafeSessionId(input.sessionId);
    } catch (err) {
      return Promise.reject(err);
    }
    const inflight = this.starting.get(input.sessionId);
    if (inflight) return inflight;
    const started = this.start(input).finally(() => this.starting.delete(input.sessionId));
    this.starting.set(input.sessionId, started);
    return started;
  }

  async stopSession(handle: SessionHandle): Promise<void> {
    try {
      assertSafeSessionId(handle.sessionId);
    } catch {
      return; // no such session can exist
    }
    const id = handle.sessionId;
    const inflight = this.stopping.get(id);
    if (inflight) return inflight;
    const stopped = this.stop(id).finally(() => this.stopping.delete(id));
    this.stopping.set(id, stopped);
    return stopped;
  }

  async describe(handle: SessionHandle): Promise<SessionLiveness> {
    try {
      assertSafeSessionId(handle.sessionId);
    } catch {
      return 'unknown';
    }
    const record = await this.readRecord(handle.sessionId);
    if (!record) return 'unknown';
    if (record.exit) return 'ended';
    if (record.state === 'starting' || record.pid === undefined) return 'running';
    return isAlive(record.pid, record.startTicks) ? 'running' : 'ended';
  }

  // ── start ──

  private async start(input: SessionInput): Promise<SessionHandle> {
    const id = input.sessionId;
    const existing = await this.claim(input);
    if (existing) return this.handleOf(existing);
    try {
      return await this.spawnAgent(input);
    } catch (err) {
      // Nothing runs: release the claim so a retried start can try again.
      await rm(this.recordPath(id), { force: true });
      throw err;
    }
  }

  /** Claims the session id in the registry; returns the existing record when someone else did. */
  private async claim(input: SessionInput): Promise<LocalSessionRecord | null> {
    const id = input.sessionId;
    await mkdir(this.baseDir, { recursive: true, mode: 0o711 });
    await mkdir(path.join(this.baseDir, 'registry'), { recursive: true, mode: 0o700 });
    const record: LocalSessionRecord = {
      version: 1,
      sessionId: id,
      taskId: input.taskId,
      state: 'starting',
      claimedAt: new Date().toISOString(),
      workspace: this.workspaceOf(id),
      logFile: this.logFileOf(id),
    };
    for (;;) {
      try {
        await writeFile(this.recordPath(id), JSON.stringify(record, null, 2), { flag: 'wx', mode: 0o600 });
        return null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const existing = await this.waitWhileStarting(id, STALE_CLAIM_MS);
      if (!existing) continue; // the other start failed and released its claim: try again
      if (existing.state === 'started') return existing;
      // Still `starting` after STALE_CLAIM_MS: its platform process died before spawning. Take over.
      this.logger.warn('local compute: taking over a stale session claim', { sessionId: id, claimedAt: existing.claimedAt });
      await this.writeRecord(record);
      return null;
    }
  }

  private async waitWhileStarting(id: string, maxMs: number): Promise<LocalSessionRecord | undefined> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const record = await this.readRecord(id);
      if (!record || record.state === 'started') return record;
      if (Date.now() - Date.parse(record.claimedAt) >= STALE_CLAIM_MS || Date.now() >= deadline) return record;
      await sleep(POLL_MS);
    }
  }

  private handleOf(record: LocalSessionRecord): SessionHandle {
    return { computeType: 'local', sessionId: record.sessionId, ...(record.pid !== undefined ? { ref: String(record.pid) } : {}) };
  }

  private async spawnAgent(input: SessionInput): Promise<SessionHandle> {
    const id = input.sessionId;
    const command = this.command();
    const sandbox = await this.sandbox();
    const payloadJson = await encodeSessionPayload(this.options.payload, input);
    const workspace = await this.prepareWorkspace(id, sandbox);
    const logFile = this.logFileOf(id);
    const env = buildAgentEnv({ parentEnv: process.env, passEnv: this.options.passEnv, env: this.options.env, workspace, sessionId: id, payloadJson });

    let file: string;
    let args: string[];
    const spawnOptions: SpawnOptions = { cwd: workspace, env, detached: true };
    if (sandbox === 'bwrap') {
      file = this.options.bwrapPath ?? 'bwrap';
      args = [...bwrapArgs({ workspace, readOnlyPaths: this.readOnlyPaths(command), runAs: this.runAs }), '--', ...command];
    } else {
      [file, ...args] = command as [string, ...string[]];
      if (this.runAs && (this.runAs.uid !== process.getuid?.() || this.runAs.gid !== process.getgid?.())) {
        Object.assign(spawnOptions, { uid: this.runAs.uid, gid: this.runAs.gid });
      }
    }

    const log = await open(logFile, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_APPEND, 0o600);
    let child: ChildProcess;
    try {
      await log.write(`[abca local compute] ${new Date().toISOString()} session ${id} (task ${input.taskId}) starting; sandbox ${sandbox}; ${JSON.stringify(command)}\n`);
      child = spawn(file, args, { ...spawnOptions, stdio: ['ignore', log.fd, log.fd] });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const transient = code === 'EAGAIN' || code === 'EMFILE' || code === 'ENFILE' || code === 'ENOMEM';
      throw new ComputeStartError(`could not start the agent for session ${id} (${file}): ${(err as Error).message}`, transient);
    } finally {
      await log.close();
    }

    const pid = child.pid!;
    const record: LocalSessionRecord = {
      ...(await this.readRecord(id))!,
      state: 'started',
      pid,
      startTicks: startTicksOf(pid),
      startedAt: new Date().toISOString(),
      sandbox,
    };
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        void this.onChildExit(record, code, signal).finally(() => {
          if (this.exits.get(id) === exited) this.exits.delete(id);
          resolve();
        });
      }),
    );
    this.exits.set(id, exited);
    child.unref();
    await this.writeRecord(record);
    this.logger.info('local compute: agent started', { sessionId: id, taskId: input.taskId, pid, sandbox });
    return this.handleOf(record);
  }

  private async onChildExit(record: LocalSessionRecord, exitCode: number | null, signal: NodeJS.Signals | null): Promise<void> {
    let stopRequested = false;
    try {
      const updated = await this.updateRecord(record.sessionId, (r) => ({ ...r, exit: { exitCode, signal, at: new Date().toISOString() } }));
      stopRequested = updated?.stopRequestedAt !== undefined;
    } catch (err) {
      this.logger.warn('local compute: could not record the agent exit', { sessionId: record.sessionId, error: (err as Error).message });
    }
    try {
      await this.options.onExit?.({ sessionId: record.sessionId, taskId: record.taskId, exitCode, signal, stopRequested, logFile: record.logFile });
    } catch (err) {
      this.logger.warn('local compute: onExit failed', { sessionId: record.sessionId, error: (err as Error).message });
    }
  }

  private command(): readonly string[] {
    if (this.options.command) {
      if (this.options.command.length === 0) throw new ComputeStartError('local compute: the agent command is empty', false);
      return this.options.command;
    }
    const main = path.join(this.repoRoot, 'agent', 'main.ts');
    if (!existsSync(main)) throw new ComputeStartError(`local compute: the agent entry point ${main} does not exist`, false);
    let tsx: string;
    try {
      tsx = require.resolve('tsx/cjs', { paths: [this.repoRoot] });
    } catch {
      throw new ComputeStartError(`local compute: tsx is not installed under ${this.repoRoot} (needed to run agent/main.ts)`, false);
    }
    return [process.execPath, '--require', tsx, main];
  }

  private readOnlyPaths(command: readonly string[]): string[] {
    const paths = [
      process.execPath,
      ...DEFAULT_REPO_BINDS.map((p) => path.join(this.repoRoot, p)),
      ...(this.options.readOnlyPaths ?? []),
      // Absolute files of the command line (a script, a loader) must be visible inside the sandbox.
      ...command.filter((arg) => path.isAbsolute(arg)),
    ];
    const out: string[] = [];
    for (const p of paths) {
      // Bound at the path the command names (bwrap resolves the source's symlinks itself).
      if (existsSync(p)) out.push(path.resolve(p));
    }
    return out;
  }

  private async prepareWorkspace(id: string, sandbox: 'bwrap' | 'none'): Promise<string> {
    const sessionsDir = path.join(this.baseDir, 'sessions');
    const sessionDir = path.join(sessionsDir, id);
    const workspace = this.workspaceOf(id);
    await mkdir(workspace, { recursive: true, mode: 0o700 });
    // Traversable (not listable) by the agent's user; the log in sessionDir stays private (0600).
    await chmod(sessionsDir, 0o711);
    await chmod(sessionDir, 0o711);
    const real = realpathSync(workspace);
    if (sandbox === 'none' && this.runAs && process.getuid?.() === 0) {
      await chown(real, this.runAs.uid, this.runAs.gid);
      await assertTraversable(path.dirname(real), this.runAs);
    }
    return real;
  }

  private async decideSandbox(): Promise<'bwrap' | 'none'> {
    const mode = this.options.sandbox ?? 'auto';
    if (mode === 'none') return 'none';
    const bwrap = this.options.bwrapPath ?? 'bwrap';
    if (await detectBwrap(bwrap, this.runAs)) return 'bwrap';
    if (mode === 'bwrap') {
      this.sandboxMode = undefined; // probe again at the next start (it may get installed)
      throw new ComputeStartError(`local compute: sandbox 'bwrap' is required but ${bwrap} is missing or cannot create namespaces here (install the Debian package bubblewrap)`, false);
    }
    this.logger.warn(
      `local compute: ${bwrap} is not available; agents run as plain child processes WITHOUT a sandbox (install the Debian package bubblewrap). Use this for development only.`,
    );
    return 'none';
  }

  // ── stop ──

  private async stop(id: string): Promise<void> {
    await this.starting.get(id)?.catch(() => undefined);
    let record = await this.readRecord(id);
    if (record?.state === 'starting') record = await this.waitWhileStarting(id, 10_000);
    if (!record || record.exit || record.pid === undefined) return;
    const { pid, startTicks = null } = record;
    if (!isAlive(pid, startTicks)) return;
    await this.updateRecord(id, (r) => ({ ...r, stopRequestedAt: r.stopRequestedAt ?? new Date().toISOString() }));

    const root = readStat(pid);
    const tree: ProcStat[] = [...(root ? [root] : []), ...descendantsOf(pid)];
    // SIGTERM to the agent's process groups. The bwrap monitor (the root, in its own group) is
    // spared: killing it tears the sandbox down before the agent can push.
    const termGroups = new Set(tree.map((p) => p.pgid));
    if (record.sandbox === 'bwrap') termGroups.delete(root?.pgid ?? pid);
    else termGroups.add(pid);
    for (const pgid of termGroups) signalGroup(pgid, 'SIGTERM');
    // A stopped (frozen) agent only sees the SIGTERM once it runs again: continue it, as init
    // systems do, so that it can still save its work within the grace period.
    for (const pgid of termGroups) signalGroup(pgid, 'SIGCONT');
    this.logger.info('local compute: SIGTERM sent; waiting for the agent', { sessionId: id, pid, graceMs: this.graceMs });

    await waitUntil(() => !isAlive(pid, startTicks), this.graceMs);

    // SIGKILL what is left: the process groups of every live member of the tree, and each member.
    const seen = new Map<number, ProcStat>();
    for (const p of [...tree, ...(isAlive(pid, startTicks) ? descendantsOf(pid) : [])]) seen.set(p.pid, p);
    const left = [...seen.values()].filter((p) => isAlive(p.pid, p.startTicks));
    if (left.length > 0) this.logger.warn('local compute: SIGKILL after the grace period', { sessionId: id, pid, processes: left.map((p) => p.pid) });
    if (record.sandbox !== 'bwrap') signalGroup(pid, 'SIGKILL');
    for (const pgid of new Set(left.map((p) => p.pgid))) signalGroup(pgid, 'SIGKILL');
    for (const p of left) signalProcess(p.pid, p.startTicks, 'SIGKILL');
    await waitUntil(() => tree.every((p) => !isAlive(p.pid, p.startTicks)), 5_000);
    // An agent of this instance: let its exit be recorded (and onExit run) before returning.
    const exited = this.exits.get(id);
    if (exited) await Promise.race([exited, sleep(2_000)]);
  }

  // ── registry ──

  private recordPath(id: string): string {
    return path.join(this.baseDir, 'registry', `${id}.json`);
  }

  private async readRecord(id: string): Promise<LocalSessionRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.recordPath(id), 'utf8')) as LocalSessionRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Atomic replace (write + rename), so a reader never sees half a record. */
  private async writeRecord(record: LocalSessionRecord): Promise<void> {
    const target = this.recordPath(record.sessionId);
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(record, null, 2), { mode: 0o600 });
    await rename(tmp, target);
  }

  /** Read-modify-write of a record, serialised per session within this process. */
  private updateRecord(id: string, change: (r: LocalSessionRecord) => LocalSessionRecord): Promise<LocalSessionRecord | undefined> {
    const previous = this.recordLocks.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const record = await this.readRecord(id);
        if (!record) return undefined;
        const updated = change(record);
        await this.writeRecord(updated);
        return updated;
      });
    this.recordLocks.set(id, next);
    void next.finally(() => {
      if (this.recordLocks.get(id) === next) this.recordLocks.delete(id);
    }).catch(() => undefined);
    return next;
  }
}

/** Every directory from `dir` up to / must let `user` through (x for its owner/group/other class). */
async function assertTraversable(dir: string, user: { readonly uid: number; readonly gid: number }): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    const st = await stat(d);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw new ComputeStartError(
        `local compute: the agent runs as uid ${user.uid} but cannot reach its workspace: ${d} is not traversable for it (chmod o+x ${d}, choose another baseDir, or install bubblewrap)`,
        false,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

