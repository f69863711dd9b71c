/**
 * Starts DynamoDB Local (the official jar) as a child process on this machine's Java and waits
 * until it answers. The caller gets the endpoint and a `stop()`; the child never outlives us.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../../services/adapters/aws/dynamodb-client';
import { ensureEmulator, JAR, NATIVE_LIBS } from './emulator';

export interface StartOptions {
  /** Fixed port; a free one is picked when omitted. */
  readonly port?: number;
  /** Keep tables in memory (the default when no dbPath is given). */
  readonly inMemory?: boolean;
  /** Persist tables in this folder (one shared SQLite file, created if missing). */
  readonly dbPath?: string;
  /** How long to wait for the first answer. */
  readonly readyTimeoutMs?: number;
  readonly log?: (msg: string) => void;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

// Guards, not budgets: a JVM that is alive but not answering yet is waited for (one that exits fails at
// once). On a loaded machine (CI, tests beside other work) its start took over 30 s, and a first
// request that loads classes can take seconds.
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;
const PROBE_TIMEOUT_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
/** Auto-picked ports can be taken between our probe and Java's bind; a few retries cover that race. */
const PORT_RACE_RETRIES = 3;

/** The Java binary: `$JAVA_HOME/bin/java`, else `java` on PATH; an actionable error when neither exists. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  const candidates = [
    ...(env.JAVA_HOME ? [path.join(env.JAVA_HOME, 'bin', exe)] : []),
    ...(env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, exe)),
  ];
  const found = candidates.find(isExecutableFile);
  if (found) return found;
  const home = env.JAVA_HOME ? `JAVA_HOME=${env.JAVA_HOME} has no bin/${exe}` : 'JAVA_HOME is not set';
  throw new Error(
    `DynamoDB Local needs Java (17 recommended), but none was found: ${home} and \`${exe}\` is not on PATH.\n` +
      `  Debian/Ubuntu: apt-get update && apt-get install -y openjdk-17-jre-headless   (prefix with sudo unless root)\n` +
      `  Elsewhere: install any OpenJDK 17+ runtime, or set JAVA_HOME to a JDK/JRE folder that contains bin/${exe}.`,
  );
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A port that was free a moment ago (the OS picks it; we release it for the child to bind). */
export function freePort(): Promise<number> {
  return bindAndRelease(0);
}

/**
 * Binds `port` on all interfaces (as DynamoDB Local does) and releases it. Checking a fixed port
 * first matters: if another server already holds it, our readiness probe would get *its* answer
 * while our child fails to bind.
 */
function bindAndRelease(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`Port ${port} is already in use (another DynamoDB Local? see \`ss -ltnp | grep :${port}\`).`) : err),
    );
    server.listen(port, () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

export async function startDynamoDbLocal(opts: StartOptions = {}): Promise<DynamoDbLocal> {
  if (opts.inMemory && opts.dbPath) throw new Error('startDynamoDbLocal: choose inMemory or dbPath, not both.');
  const java = findJava();
  const emulator = await ensureEmulator({ log: opts.log });
  for (let attempt = 0; ; attempt++) {
    const port = opts.port === undefined ? await freePort() : await bindAndRelease(opts.port);
    try {
      return await launch(java, emulator, port, opts);
    } catch (err) {
      const raced = opts.port === undefined && err instanceof StartError && /Address already in use|BindException/i.test(err.output);
      if (!raced || attempt >= PORT_RACE_RETRIES) throw err;
      opts.log?.(`Port ${port} was taken before DynamoDB Local bound it; retrying on another port.`);
    }
  }
}

class StartError extends Error {
  constructor(message: string, readonly output: string) {
    super(output ? `${message}\n--- DynamoDB Local output (tail) ---\n${output}` : message);
  }
}

async function launch(java: string, emulator: string, port: number, opts: StartOptions): Promise<DynamoDbLocal> {
  // -sharedDb in both modes: one set of tables whatever region/credentials a client signs with
  // (the aws CLI with a developer's own profile sees the same tables as our clients).
  const storage = opts.dbPath ? ['-dbPath', ensureDir(opts.dbPath), '-sharedDb'] : ['-inMemory', '-sharedDb'];
  const args = [
    `-Djava.library.path=${path.join(emulator, NATIVE_LIBS)}`,
    '-jar', path.join(emulator, JAR),
    '-port', String(port),
    '-disableTelemetry',
    ...storage,
  ];
  const started = Date.now();
  // cwd = emulator: DynamoDB Local writes nothing there with -inMemory/-dbPath, but a stray relative path stays contained.
  const child = spawn(java, args, { cwd: emulator, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  // Keep draining after start-up too, or a chatty child would block on a full pipe.
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // 'close' comes after the last output chunk, which can trail 'exit'.
  const outputDone = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  reaper.add(child);
  void exited.then(() => reaper.delete(child));

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, exited);
  try {
    await waitUntilAnswering(endpoint, child, opts.readyTimeoutMs ?? READY_TIMEOUT_MS, () => spawnError);
  } catch (err) {
    await stop();
    await Promise.race([outputDone, delay(1_000)]);
    throw new StartError(`DynamoDB Local (${java} ${args.join(' ')}) did not start: ${(err as Error).message}`, output.trim());
  }
  opts.log?.(`DynamoDB Local listening on ${endpoint} (pid ${child.pid}, ${opts.dbPath ? `data in ${opts.dbPath}` : 'in memory'}, ready in ${Date.now() - started} ms)`);
  return { endpoint, port, pid: child.pid!, stop };
}

function ensureDir(dir: string): string {
  const abs = path.resolve(dir);
  mkdirSync(abs, { recursive: true });
  return abs;
}

/** Poll ListTables until it succeeds; fail fast if the child dies, give up after the timeout. */
async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number, spawnError: () => Error | undefined): Promise<void> {
  // One attempt per probe: the loop is the retry. Each probe is bounded by an abort signal, since a
  // half-started server can accept a connection and never answer.
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const err = spawnError();
      if (err) throw err;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before answering`);
      try {
        await settleWithin(client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }), PROBE_TIMEOUT_MS + 500);
        return;
      } catch {
        // Not listening yet (ECONNREFUSED), still initialising, or the probe timed out: poll again.
      }
      if (Date.now() > deadline) throw new Error(`no answer on ${endpoint} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.destroy();
  }
}

/** Belt and braces around the SDK's own abort: a probe must never leave the start-up loop waiting forever. */
function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`probe gave no result within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), delay(STOP_GRACE_MS).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/**
 * Kills live children when this process ends. `exit` covers normal ends, process.exit() and
 * uncaught errors (only synchronous work is possible there, hence SIGKILL; SQLite's journal keeps
 * committed writes). Fatal signals skip `exit`, so we also listen for them: forward SIGTERM to the
 * children, then, if nobody else handles the signal, re-raise it so the default action (dying) still happens.
 */
const reaper = (() => {
  const live = new Set<ChildProcess>();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onExit = () => live.forEach((c) => c.kill('SIGKILL'));
  const onSignal = (sig: NodeJS.Signals) => {
    live.forEach((c) => c.kill('SIGTERM'));
    if (process.listenerCount(sig) === 1) {
      uninstall();
      process.kill(process.pid, sig);
    }
  };
  const install = () => {
    process.on('exit', onExit);
    signals.forEach((s) => process.on(s, onSignal));
  };
  const uninstall = () => {
    process.off('exit', onExit);
    signals.forEach((s) => process.off(s, onSignal));
  };
  return {
    add(child: ChildProcess) {
      if (live.size === 0) install();
      live.add(child);
    },
    delete(child: ChildProcess) {
      if (live.delete(child) && live.size === 0) uninstall();
    },
  };
})();
