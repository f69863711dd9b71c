/**
 * Shared set-up for the real-agent e2e scenarios (test/e2e/agent-*.int.test.ts): a temp data dir
 * the sandboxed agent can reach, a replay trajectory in the blob store, the embedded platform with
 * real agents, the forge repository, and helpers to wait for a terminal task and clone a branch.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Platform, PlatformOptions } from '../../local/platform/platform';
import type { ReplayStep } from '../../agent/harness/replay';
import type { HarnessSpec } from '../../schemas/agent/contracts';
import { startTestPlatform, TEST_REPO, waitUntil } from './platform';

const TERMINAL = ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];

export interface AgentE2e {
  readonly platform: Platform;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startAgentPlatform(
  /** The replay trajectory; a function gets the data dir (to name host paths in a step). */
  steps: readonly ReplayStep[] | ((dataDir: string) => readonly ReplayStep[]),
  options: { stopGraceMs?: number; reportGraceMs?: number; heartbeatSeconds?: number; harness?: HarnessSpec; platform?: Partial<PlatformOptions> } = {},
): Promise<AgentE2e> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'abca-agent-e2e-'));
  chmodSync(dataDir, 0o755);
  const trajectory = path.join(dataDir, 'blobs', 'trajectories', 'scenario.json');
  mkdirSync(path.dirname(trajectory), { recursive: true });
  writeFileSync(trajectory, JSON.stringify({ version: 1, steps: typeof steps === 'function' ? steps(dataDir) : steps, result: { turns: 1, costUsd: 0.01 } }));
  chmodSync(trajectory, 0o644);
  const platform = await startTestPlatform({
    dataDir,
    ...options.platform,
    agents: {
      harness: options.harness ?? { type: 'replay', trajectoryRef: pathToFileURL(trajectory).href },
      heartbeatSeconds: options.heartbeatSeconds,
      reportGraceMs: options.reportGraceMs ?? 3_000,
      stopGraceMs: options.stopGraceMs ?? 5_000,
    },
  });
  const [owner, name] = TEST_REPO.split('/') as [string, string];
  await platform.agents!.forge.createRepository(owner, name, { files: { 'README.md': '# widgets\n' } });
  return {
    platform,
    dataDir,
    async stop() {
      await platform.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The deadline only guards against a hang (an agent session on a loaded machine may take a minute). */
export async function waitTerminal(platform: Platform, taskId: string, timeoutMs = 120_000) {
  return waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v && TERMINAL.includes(v.status) ? v : undefined;
  }, timeoutMs, `task ${taskId} terminal`);
}

/**
 * Clones `branch` of the test repository with real git into a temp dir; returns the dir. Async:
 * the forge serves from this process, so a synchronous git would deadlock it.
 */
export async function cloneBranch(platform: Platform, branch: string): Promise<string> {
  const [owner, name] = TEST_REPO.split('/') as [string, string];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'abca-clone-'));
  await promisify(execFile)('git', ['clone', '--quiet', '--branch', branch, platform.agents!.forge.cloneUrl(owner, name, platform.agents!.forgeToken), dir], {
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    timeout: 30_000,
  });
  return dir;
}

export function git(dir: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: 'pipe' });
}
