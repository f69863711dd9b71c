/**
 * The agent's entry point, started by the compute (`node --require tsx/cjs agent/main.ts`):
 *
 *   ABCA_SESSION=<SessionPayload JSON>  node … agent/main.ts [--workspace DIR]
 *   node … agent/main.ts --payload payload.json [--workspace DIR]
 *
 * The repository is cloned into `<workspace>/repo`, the workspace being --workspace, ABCA_WORKSPACE
 * (set by the local compute) or the current directory. Exit code: 0 when the session succeeded and
 * its final report was delivered, 1 otherwise (2 for a bad payload or arguments), 143 / 130 after
 * SIGTERM / SIGINT — the work is saved (safety net) and the report sent before that exit, within
 * ABCA_SHUTDOWN_GRACE_MS (default 25 s, under the local compute's 30 s grace).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SessionPayload } from './contracts';
import { errorMessage, jsonLog, type Log } from './runtime/log';
import { runSession } from './runtime/run-session';
import { installSignalHandlers, type SafetyNet } from './runtime/safety-net';
import { buildAdapters } from './wiring';

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** Parses and checks the SessionPayload (the fields the runtime relies on). */
export function parsePayload(json: string): SessionPayload {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new PayloadError(`the session payload is not valid JSON: ${errorMessage(err)}`);
  }
  if (typeof value !== 'object' || value === null) throw new PayloadError('the session payload must be a JSON object');
  const p = value as Record<string, unknown>;
  for (const key of ['taskId', 'sessionId', 'userId', 'repo', 'branchName', 'cloneUrl', 'gitApiUrl', 'promptRef', 'promptVersion', 'deadlineAt']) {
    if (typeof p[key] !== 'string' || p[key] === '') throw new PayloadError(`the session payload needs ${key} (a non-empty string)`);
  }
  if (p.issueNumber !== null && !Number.isInteger(p.issueNumber)) throw new PayloadError('issueNumber must be an integer or null');
  if (!Number.isInteger(p.maxTurns)) throw new PayloadError('maxTurns must be an integer');
  if (typeof p.heartbeatSeconds !== 'number') throw new PayloadError('heartbeatSeconds must be a number');
  const h = p.harness as Record<string, unknown> | undefined;
  if (!h || !['claude', 'command', 'replay'].includes(h.type as string)) throw new PayloadError('harness.type must be claude, command or replay');
  if (h.type === 'command' && (!Array.isArray(h.command) || h.command.length === 0 || !['stdin', 'file'].includes(h.promptVia as string))) {
    throw new PayloadError('a command harness needs command (argv) and promptVia (stdin | file)');
  }
  if (h.type === 'replay' && typeof h.trajectoryRef !== 'string') throw new PayloadError('a replay harness needs trajectoryRef');
  const v = p.verify as Record<string, unknown> | undefined;
  if (!v || !['build', 'test', 'lint'].every((k) => Array.isArray(v[k])) || !['strict', 'regression_only', 'informational'].includes(v.gating as string)) {
    throw new PayloadError('verify needs build, test and lint (arrays of commands) and gating (strict | regression_only | informational)');
  }
  const t = p.telemetry as Record<string, unknown> | undefined;
  if (!t || typeof t.streamName !== 'string' || typeof t.region !== 'string') throw new PayloadError('telemetry needs streamName and region');
  // Optional: payloads from before nudges have none (the session then gets no nudges).
  if (p.nudgesRef !== undefined && (typeof p.nudgesRef !== 'string' || p.nudgesRef === '')) throw new PayloadError('nudgesRef, when given, must be a non-empty string (a file:// or s3:// folder)');
  return value as SessionPayload;
}

export interface MainArgs {
  readonly payloadFile?: string;
  readonly workspace?: string;
}

export function parseArgs(argv: readonly string[]): MainArgs {
  const out: { payloadFile?: string; workspace?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new PayloadError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--payload') out.payloadFile = value();
    else if (arg === '--workspace') out.workspace = value();
    else throw new PayloadError(`unknown argument ${JSON.stringify(arg)} (usage: main.ts [--payload FILE] [--workspace DIR])`);
  }
  return out;
}

/** Runs a session; resolves with the exit code (a signal exits on its own, see installSignalHandlers). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, state: { signalled: boolean } = { signalled: false }): Promise<number> {
  let log: Log = jsonLog();
  let payload: SessionPayload;
  let workspaceRoot: string;
  try {
    const args = parseArgs(argv);
    const json = args.payloadFile ? readFileSync(args.payloadFile, 'utf8') : env.ABCA_SESSION;
    if (!json) throw new PayloadError('no session payload: set ABCA_SESSION or pass --payload FILE');
    payload = parsePayload(json);
    workspaceRoot = path.resolve(args.workspace ?? env.ABCA_WORKSPACE ?? process.cwd());
  } catch (err) {
    log('error', errorMessage(err));
    return 2;
  }
  log = jsonLog({ correlationId: payload.taskId, taskId: payload.taskId, sessionId: payload.sessionId });

  const controller = new AbortController();
  let safetyNet: SafetyNet | undefined;
  let session: Promise<unknown> | undefined;
  const graceMs = Number(env.ABCA_SHUTDOWN_GRACE_MS ?? 25_000);
  const uninstall = installSignalHandlers({
    log,
    timeoutMs: graceMs,
    onSignal: async (signal) => {
      state.signalled = true;
      controller.abort(signal);
      // The session saves the work and reports on its own; if it is stuck, save the work here.
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        (session ?? Promise.resolve()).then(() => true, () => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), Math.max(0, graceMs - 8_000));
        }),
      ]);
      if (timer) clearTimeout(timer);
      if (!finished && safetyNet) {
        log('warn', 'the session did not finish in time after the signal: running the safety net directly');
        await safetyNet.run(`${signal} (fallback)`);
      }
    },
  });

  let adapters: Awaited<ReturnType<typeof buildAdapters>>;
  try {
    adapters = await buildAdapters(payload, env, log);
  } catch (err) {
    log('error', `cannot set the session up: ${errorMessage(err)}`);
    uninstall();
    return 1;
  }
  const run = runSession({
    payload,
    workspaceDir: path.join(workspaceRoot, 'repo'),
    gitToken: adapters.gitToken,
    harness: adapters.harness,
    blobs: adapters.blobs,
    pullRequests: adapters.pullRequests,
    telemetry: adapters.telemetry,
    memory: adapters.memory,
    nudges: () => adapters.nudges.drain(),
    signal: controller.signal,
    log,
    onSafetyNet: (net) => {
      safetyNet = net;
    },
  }).finally(() => {
    adapters.nudges.close?.();
    return adapters.telemetry.close();
  });
  session = run;
  const outcome = await run;
  log(outcome.report.outcome === 'success' ? 'info' : 'error', `session ended: ${outcome.report.outcome}${outcome.report.error ? ` — ${outcome.report.error}` : ''}`, {
    report: outcome.report,
    reportDelivered: outcome.reportDelivered,
  });
  if (!state.signalled) uninstall();
  return outcome.report.outcome === 'success' && outcome.reportDelivered ? 0 : 1;
}

if (require.main === module) {
  const state = { signalled: false };
  main(process.argv.slice(2), process.env, state).then(
    (code) => {
      // After a signal the handler exits (143 / 130) once the shutdown is done.
      if (!state.signalled) process.exit(code);
    },
    (err) => {
      process.stderr.write(`${JSON.stringify({ level: 'ERROR', service: 'agent', message: `agent crashed: ${errorMessage(err)}` })}\n`);
      process.exit(1);
    },
  );
}
