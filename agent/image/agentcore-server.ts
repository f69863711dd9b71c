/**
 * The tiny HTTP server the agent image runs (AgentCore Runtime's HTTP service contract: port 8080,
 * host 0.0.0.0):
 *
 *   POST /invocations  body = the SessionPayload JSON (what InvokeAgentRuntime sends). Starts the
 *                      agent in the background and answers at once:
 *                        200 {"status":"started","sessionId"}          a new agent runs
 *                        200 {"status":"already-running","sessionId"}  a retried start: nothing new
 *                        200 {"status":"ended","sessionId","exitCode"} it ran already: not again
 *                        409 {"status":"busy","sessionId":<running>}   another session's agent runs
 *                        400 / 413                                      not a payload / too large
 *   GET  /ping         {"status":"HealthyBusy"} while the agent runs (AgentCore keeps the session
 *                      alive), else {"status":"Healthy"}; `time_of_last_update` (Unix seconds) is
 *                      the time of the last status change.
 *
 * One container runs one session (AgentCore gives every runtime session its own microVM; an ECS
 * task is one session), so the server runs at most one agent at a time.
 *
 * The agent is a child process (default: `agentCommand`, with ABCA_SESSION = the payload JSON, in
 * its own process group). shutdown() — on SIGTERM, when AgentCore or ECS stops the container —
 * forwards SIGTERM to the agent's process group, waits the grace period for its safety-net push,
 * then SIGKILLs the group.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionPayload } from '../contracts';

export interface AgentExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface AgentRun {
  readonly done: Promise<AgentExit>;
  /** Signals the agent (and its process group). */
  kill(signal: NodeJS.Signals): void;
}

/** Starts the agent for a payload (`payloadJson` is the exact body received). */
export type AgentLauncher = (payload: SessionPayload, payloadJson: string) => AgentRun;

export interface AgentServerOptions {
  /** How the agent starts; default: spawnAgent(agentCommand). */
  readonly launch?: AgentLauncher;
  /** The agent's argv for the default launcher. */
  readonly agentCommand?: readonly string[];
  /** The agent's working directory for the default launcher (default: ABCA_WORKSPACE, else the cwd). */
  readonly agentCwd?: string;
  /** Largest accepted invocation body (default 1 MiB). */
  readonly maxBodyBytes?: number;
  readonly log?: (line: string) => void;
}

export type PingStatus = 'Healthy' | 'HealthyBusy';

export interface StartAnswer {
  readonly httpStatus: number;
  readonly body: { readonly status: 'started' | 'already-running' | 'ended' | 'busy'; readonly sessionId: string; readonly exitCode?: number | null };
}

interface Session {
  readonly sessionId: string;
  readonly run: AgentRun;
  exit: AgentExit | null;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/** The default launcher: the agent as a child process in its own process group, logs to ours. */
export function spawnAgent(command: readonly string[], cwd: string = process.env.ABCA_WORKSPACE ?? process.cwd()): AgentLauncher {
  if (command.length === 0) throw new Error('agent server: the agent command is empty');
  return (payload, payloadJson) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd,
      env: { ...process.env, ABCA_SESSION: payloadJson, ABCA_SESSION_ID: payload.sessionId, ABCA_WORKSPACE: cwd },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    const done = new Promise<AgentExit>((resolve) => {
      child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
      child.once('error', () => resolve({ exitCode: 127, signal: null })); // could not start
    });
    return {
      done,
      kill: (signal) => {
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          child.kill(signal);
        }
      },
    };
  };
}

export class AgentServer {
  private readonly server: http.Server;
  private readonly launch: AgentLauncher;
  private readonly log: (line: string) => void;
  private session: Session | null = null;
  private status: PingStatus = 'Healthy';
  private lastUpdate = Math.floor(Date.now() / 1000);

  constructor(private readonly options: AgentServerOptions = {}) {
    this.log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
    if (options.launch) this.launch = options.launch;
    else if (options.agentCommand) this.launch = spawnAgent(options.agentCommand, options.agentCwd);
    else throw new Error('agent server: give `launch` or `agentCommand`');
    this.server = http.createServer((req, res) => this.route(req, res));
  }

  /** Listens (default 0.0.0.0:8080, AgentCore's contract); resolves with the port. */
  listen(port = 8080, host = '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  ping(): { status: PingStatus; time_of_last_update: number } {
    return { status: this.status, time_of_last_update: this.lastUpdate };
  }

  /** The current (or last) session: its id, and its exit once it ended. */
  current(): { readonly sessionId: string; readonly exit: AgentExit | null } | null {
    return this.session ? { sessionId: this.session.sessionId, exit: this.session.exit } : null;
  }

  /** Starts the agent for a payload unless this session already ran here (idempotent). */
  start(payloadJson: string): StartAnswer {
    const payload = parsePayload(payloadJson);
    const known = this.session;
    if (known && known.sessionId === payload.sessionId) {
      return known.exit
        ? { httpStatus: 200, body: { status: 'ended', sessionId: known.sessionId, exitCode: known.exit.exitCode } }
        : { httpStatus: 200, body: { status: 'already-running', sessionId: known.sessionId } };
    }
    if (known && !known.exit) return { httpStatus: 409, body: { status: 'busy', sessionId: known.sessionId } };

    const run = this.launch(payload, payloadJson);
    const session: Session = { sessionId: payload.sessionId, run, exit: null };
    this.session = session;
    this.setStatus('HealthyBusy');
    this.log(`[agent-server] session ${payload.sessionId} (task ${payload.taskId}): agent started`);
    void run.done.then((exit) => {
      session.exit = exit;
      if (this.session === session) this.setStatus('Healthy');
      this.log(`[agent-server] session ${payload.sessionId}: agent exited (code ${exit.exitCode}, signal ${exit.signal})`);
    });
    return { httpStatus: 200, body: { status: 'started', sessionId: payload.sessionId } };
  }

  /** Resolves when the running agent exits (at once when none runs). */
  async agentDone(): Promise<AgentExit | null> {
    const session = this.session;
    if (!session) return null;
    return session.exit ?? session.run.done;
  }

  /** SIGTERM to the agent, the grace period, SIGKILL; then the server closes. */
  async shutdown(graceMs: number): Promise<AgentExit | null> {
    const session = this.session;
    let exit: AgentExit | null = session?.exit ?? null;
    if (session && !session.exit) {
      this.log(`[agent-server] stopping session ${session.sessionId}: SIGTERM, ${graceMs} ms grace`);
      session.run.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), graceMs);
      });
      exit = await Promise.race([session.run.done, graceOver]);
      clearTimeout(timer);
      if (!exit) {
        this.log(`[agent-server] session ${session.sessionId}: SIGKILL after the grace period`);
        session.run.kill('SIGKILL');
        exit = await session.run.done;
      }
    }
    await this.close();
    return exit;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private setStatus(status: PingStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.lastUpdate = Math.floor(Date.now() / 1000);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/ping') {
      if (req.method !== 'GET') return send(res, 405, { error: 'use GET /ping' });
      return send(res, 200, this.ping());
    }
    if (path === '/invocations') {
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST /invocations' });
      return this.invocation(req, res);
    }
    send(res, 404, { error: `no route ${req.method} ${path}` });
  }

  private invocation(req: http.IncomingMessage, res: http.ServerResponse): void {
    const max = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return send(res, 413, { error: `the payload exceeds ${max} bytes` });
      try {
        const answer = this.start(Buffer.concat(chunks).toString('utf8'));
        send(res, answer.httpStatus, answer.body);
      } catch (err) {
        send(res, err instanceof PayloadError ? 400 : 500, { error: (err as Error).message });
      }
    });
  }
}

class PayloadError extends Error {}

/** The invocation body must be a SessionPayload (at least its ids; the agent validates the rest). */
function parsePayload(text: string): SessionPayload {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PayloadError('the body is not JSON (expected the SessionPayload)');
  }
  const p = value as Partial<SessionPayload> | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p) || typeof p.sessionId !== 'string' || !p.sessionId || typeof p.taskId !== 'string' || !p.taskId) {
    throw new PayloadError('the body is not a SessionPayload (sessionId and taskId are required)');
  }
  return p as SessionPayload;
}

function send(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString() });
  res.end(text);
}
