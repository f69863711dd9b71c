/**
 * An agent that goes silent: its process is frozen (SIGSTOP — as a hung agent, it neither works nor
 * sends heartbeats) while the compute still runs it. With the heartbeat limit shortened, the watchdog
 * fails the task HEARTBEAT_LOST with a reason naming the last sign of life, and stops the session:
 * the stop continues the frozen agent (SIGTERM + SIGCONT), whose safety net pushes its work.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { descendantsOf } from '../../services/adapters/compute/process-tree';
import { progressStoresOf } from '../../projections/progress-view/stores';
import { classifyError } from '../../services/tasks/task/error-classification';
import { submit, waitUntil } from '../support/platform';
import { cloneBranch, startAgentPlatform, waitTerminal, type AgentE2e } from '../support/agent-e2e';

let e2e: AgentE2e;

beforeAll(async () => {
  e2e = await startAgentPlatform(
    [
      { type: 'turn', text: 'Starting' },
      { type: 'write', path: 'wip.md', content: 'work before the hang\n' },
      // It says when it runs (a file beside the repository, in the writable workspace).
      { type: 'run', command: 'touch ../long-step-running; node -e "setTimeout(()=>{},60000)"' },
      { type: 'commit', message: 'Never reached' },
    ],
    { heartbeatSeconds: 1, stopGraceMs: 8_000, platform: { watchdog: { heartbeatTimeoutSec: 4 }, sweepEveryMs: 1_000 } },
  );
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
}, 180_000);

test('a frozen agent is failed by the watchdog after the heartbeat limit, stopped, and its work pushed', async () => {
  const { platform } = e2e;
  const { taskId } = await submit(platform, 'oscar', { taskDescription: 'Hang forever' });
  const running = await waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v?.status === 'RUNNING' && v.sessionId ? v : undefined;
  }, undefined, 'RUNNING');
  const { progressViews } = progressStoresOf(platform.ports);
  // Heartbeats arrive while the agent is alive (the limit is 4 s, a heartbeat every second).
  await waitUntil(async () => ((await progressViews.get(taskId))?.lastHeartbeatAt ? true : undefined), undefined, 'a heartbeat');
  // Into the long step (it says so), not a fixed 1.5 s after the write step.
  const longStep = path.join(platform.agents!.compute.workspaceOf(running.sessionId!), 'long-step-running');
  await waitUntil(async () => existsSync(longStep), 60_000, 'the long step');
  expect((await platform.views.taskViews.get(taskId))?.status).toBe('RUNNING');

  // Freeze every process of the session (the agent and its command) but the bwrap monitor; without
  // bwrap the recorded pid is the agent itself, which must be frozen too (or it keeps heartbeating).
  const record = await platform.agents!.compute.recordOf(running.sessionId!);
  const frozen = [...(record!.sandbox === 'bwrap' ? [] : [{ pid: record!.pid! }]), ...descendantsOf(record!.pid!)];
  expect(frozen.length).toBeGreaterThan(0);
  for (const p of frozen) process.kill(p.pid, 'SIGSTOP');
  const frozenAt = Date.now();

  const view = await waitTerminal(platform, taskId);
  expect(view.status).toBe('FAILED');
  expect(view.errorCode).toBe('HEARTBEAT_LOST');
  expect(view.errorMessage).toContain('went silent');
  // Failed once the limit had passed since the agent's last sign of life, not before.
  const lastSign = /nothing was heard from it since (\S+),/.exec(view.errorMessage ?? '')?.[1];
  expect(Date.parse(lastSign!)).toBeLessThanOrEqual(frozenAt);
  const failedAt = (await platform.store.readStream({ type: 'Task', id: taskId })).find((e) => e.type === 'TaskFailed')!.occurredAt;
  expect(Date.parse(failedAt) - Date.parse(lastSign!)).toBeGreaterThanOrEqual(4_000);
  expect(classifyError(view.errorCode, view.errorMessage)).toMatchObject({ category: 'agent_unresponsive', retryable: true });

  await waitUntil(async () => ((await platform.agents!.compute.describe({ computeType: 'local', sessionId: running.sessionId! })) === 'ended' ? true : undefined), undefined, 'agent ended');
  const dir = await cloneBranch(platform, view.branchName);
  try {
    expect(existsSync(path.join(dir, 'wip.md'))).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
