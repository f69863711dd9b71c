/**
 * `npm start` as a real child process for end-to-end tests (`node --require tsx/cjs
 * local/start/main.ts --port 0 --data-dir <tmp>`), with a temporary BGAGENT_CONFIG_DIR and none of
 * the caller's ABCA_/model/AWS/BGAGENT_ variables; `stop` sends SIGINT as Ctrl-C does; `cleanup`
 * kills whatever is left (a DynamoDB Local orphaned by a hard kill included) and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEndpoints, isProcessAlive, type Endpoints } from '../../local/start/endpoints';
import { waitUntil } from './platform';

export const ROOT = path.join(__dirname, '..', '..');

export interface Started {
  readonly proc: ChildProcess;
  readonly endpoints: Endpoints;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface NpmStart {
  readonly dataDir: string;
  readonly configDir: string;
  /** The environment the child processes get (npm start, and the CLI in CLI tests). */
  env(): NodeJS.ProcessEnv;
  start(timeoutMs: number): Promise<Started>;
  stop(started: Started, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  cleanup(): Promise<void>;
}

export function npmStart(prefix = 'abca-start-e2e-'): NpmStart {
  const work = mkdtempSync(path.join(os.tmpdir(), prefix));
  // Agents may run as nobody (as root without bubblewrap): they must reach their workspaces below it.
  chmodSync(work, 0o755);
  const dataDir = path.join(work, 'data');
  const configDir = path.join(work, 'bgagent');
  let current: Started | undefined;

  const env = (): NodeJS.ProcessEnv => {
    const out: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(ABCA_|ANTHROPIC_|CLAUDE_CODE_|AWS_|BGAGENT_)/.test(k)) out[k] = v;
    return { ...out, BGAGENT_CONFIG_DIR: configDir, POWERTOOLS_LOG_LEVEL: 'INFO', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1' };
  };

  return {
    dataDir,
    configDir,
    env,
    async start(timeoutMs) {
      const proc = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'local/start/main.ts'), '--port', '0', '--data-dir', dataDir], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
      let gone = false;
      void exited.then(() => (gone = true));
      const endpoints = await waitUntil(
        async () => {
          if (gone) throw new Error(`npm start exited before it was ready:\n${out}`);
          const e = readEndpoints(dataDir);
          return e && e.pid === proc.pid && out.includes('ABCA is running') ? e : undefined;
        },
        timeoutMs,
        'endpoints.json of the new npm start',
      ).catch((err: Error) => {
        proc.kill('SIGTERM');
        throw new Error(`${err.message}\n--- npm start output ---\n${out}`);
      });
      current = { proc, endpoints, output: () => out, exited };
      return current;
    },
    async stop(started, timeoutMs) {
      started.proc.kill('SIGINT');
      const result = await Promise.race([started.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref())]);
      if (result === 'timeout') throw new Error(`npm start did not stop within ${timeoutMs} ms after SIGINT:\n${started.output()}`);
      current = undefined;
      return result;
    },
    async cleanup() {
      if (current && current.proc.exitCode === null && current.proc.signalCode === null) {
        current.proc.kill('SIGTERM');
        await Promise.race([current.exited, new Promise((r) => setTimeout(r, 20_000).unref())]);
        if (current.proc.exitCode === null && current.proc.signalCode === null) current.proc.kill('SIGKILL');
      }
      // A DynamoDB Local orphaned by a hard kill: its pid is in the log (DynamoDB Local listening … (pid N,).
      const log = path.join(dataDir, 'logs', 'platform.log');
      if (existsSync(log)) {
        for (const m of readFileSync(log, 'utf8').matchAll(/DynamoDB Local listening on \S+ \(pid (\d+),/g)) {
          const pid = Number(m[1]);
          if (isProcessAlive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) process.kill(pid, 'SIGKILL');
        }
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
