/**
 * The agent image's entry point (bundled to dist/entrypoint.js; see README.md).
 *
 * It always serves the AgentCore contract on PORT (default 8080): GET /ping and POST /invocations
 * (agentcore-server.ts), which also gives the container a health check in every mode.
 *
 *   AgentCore  ABCA_SESSION unset: waits for POST /invocations (the SessionPayload) and runs the
 *              agent in the background; AgentCore ends the microVM after the session idles.
 *   ECS        ABCA_SESSION set (container override): runs that session at once, then exits with
 *              the agent's exit code (128 + n when a signal n ended it).
 *
 * SIGTERM / SIGINT (ECS StopTask, AgentCore stopping the session): the agent gets SIGTERM, up to
 * ABCA_STOP_GRACE_MS (default 30 000 ms: above the agent's own 25 s, under the task's stopTimeout) for its safety-net
 * push, then SIGKILL.
 *
 * The agent command: ABCA_AGENT_COMMAND (a JSON array), else `node dist/agent.js` next to this file
 * when bundled, else `node --require tsx/cjs agent/main.ts` (development checkout).
 */
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { AgentServer, type AgentExit } from './agentcore-server';

export function agentCommand(env: NodeJS.ProcessEnv = process.env, here: string = __dirname): string[] {
  if (env.ABCA_AGENT_COMMAND) {
    const parsed: unknown = JSON.parse(env.ABCA_AGENT_COMMAND);
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string')) {
      throw new Error('ABCA_AGENT_COMMAND must be a JSON array of strings');
    }
    return parsed as string[];
  }
  const bundled = path.join(here, 'agent.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  return [process.execPath, '--require', require.resolve('tsx/cjs'), path.resolve(here, '..', 'main.ts')];
}

export function exitCodeOf(exit: AgentExit | null): number {
  if (!exit) return 0;
  if (exit.exitCode !== null) return exit.exitCode;
  const n = exit.signal ? (osConstants.signals as Record<string, number>)[exit.signal] : undefined;
  return n ? 128 + n : 1;
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const server = new AgentServer({ agentCommand: agentCommand(env), agentCwd: env.ABCA_WORKSPACE ?? process.cwd() });
  const port = await server.listen(Number(env.PORT ?? 8080), env.HOST ?? '0.0.0.0');
  process.stdout.write(`[agent-server] listening on port ${port}\n`);
  const grace = Number(env.ABCA_STOP_GRACE_MS ?? 30_000);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`[agent-server] ${signal}: shutting down\n`);
    void server.shutdown(grace).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const session = env.ABCA_SESSION;
  if (session) {
    // ECS: one session, given at start.
    const answer = server.start(session);
    if (answer.httpStatus !== 200) throw new Error(`cannot start the session from ABCA_SESSION: ${JSON.stringify(answer.body)}`);
    const exit = await server.agentDone();
    if (stopping) return; // shutdown() decides the exit
    await server.close();
    process.exit(exitCodeOf(exit));
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`[agent-server] ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
