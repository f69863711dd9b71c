/**
 * Cancelling a task whose real agent is in a long command: the task ends CANCELLED, the agent
 * process is gone, and the work in progress (a written, uncommitted file) was pushed to the branch
 * by the agent's safety net during the stop grace.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { handleCommand } from '../../services/kernel/command-handler';
import { taskDecider } from '../../services/tasks/task/task-decider';
import { submit, waitUntil } from '../support/platform';
import { cloneBranch, startAgentPlatform, waitTerminal, type AgentE2e } from '../support/agent-e2e';

let e2e: AgentE2e;

beforeAll(async () => {
  e2e = await startAgentPlatform(
    [
      { type: 'turn', text: 'Starting' },
      { type: 'write', path: 'wip.md', content: 'work in progress\n' },
      // It says when it runs (a file beside the repository, in the writable workspace).
      { type: 'run', command: 'touch ../long-step-running; node -e "setTimeout(()=>{},30000)"' },
      { type: 'commit', message: 'Never reached' },
    ],
    { stopGraceMs: 5_000 },
  );
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

test('cancel during a long run → CANCELLED, agent gone, work in progress pushed by the safety net', async () => {
  const { platform } = e2e;
  const { taskId } = await submit(platform, 'carol', { taskDescription: 'Long job' });
  const running = await waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v?.status === 'RUNNING' && v.sessionId ? v : undefined;
  }, undefined, 'RUNNING');
  // The agent has cloned, written and entered the long run step (it says so): not a fixed 4 s, in
  // which a loaded machine may not even have started the agent.
  const longStep = path.join(platform.agents!.compute.workspaceOf(running.sessionId!), 'long-step-running');
  await waitUntil(async () => existsSync(longStep), 60_000, 'the long step');
  await handleCommand(platform.store, taskDecider, { type: 'Task', id: taskId }, { type: 'RequestCancellation', requestedBy: 'user:carol', reason: null }, { correlationId: taskId, causationId: 'test', actor: 'user:carol', now: new Date() });
  const view = await waitTerminal(platform, taskId);
  // Whichever lands first — the agent's stop report (finalized as CANCELLED since nothing was
  // produced) or the cancellation service's confirmation — the task ends CANCELLED.
  expect(view.status).toBe('CANCELLED');
  await waitUntil(async () => ((await platform.agents!.compute.describe({ computeType: 'local', sessionId: running.sessionId! })) === 'ended' ? true : undefined), undefined, 'agent ended');

  const dir = await cloneBranch(platform, view.branchName);
  try {
    expect(existsSync(path.join(dir, 'wip.md'))).toBe(true);
    expect(readFileSync(path.join(dir, 'wip.md'), 'utf8')).toBe('work in progress\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

