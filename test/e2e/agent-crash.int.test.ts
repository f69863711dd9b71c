/**
 * An agent that crashes mid-run (its CLI is killed by SIGSEGV after writing half of its change):
 * the runtime's safety net commits and pushes the partial work, opens no pull request, and reports
 * the crash; the task ends FAILED with a classification that says so and names the branch.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { classifyError } from '../../services/tasks/task/error-classification';
import { submit, TEST_REPO } from '../support/platform';
import { cloneBranch, startAgentPlatform, waitTerminal, type AgentE2e } from '../support/agent-e2e';

let e2e: AgentE2e;

beforeAll(async () => {
  e2e = await startAgentPlatform([], {
    harness: { type: 'command', command: ['sh', '-c', 'echo "half of the change" > partial.md; echo "editing partial.md"; kill -SEGV $$'], promptVia: 'stdin' },
  });
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

test('a crashed agent → FAILED AGENT_ERROR classified agent_crash; its partial work is pushed, no PR', async () => {
  const { platform } = e2e;
  const { taskId } = await submit(platform, 'mallory', { taskDescription: 'Write the partial doc' });
  const view = await waitTerminal(platform, taskId);

  expect(view.status).toBe('FAILED');
  expect(view.errorCode).toBe('AGENT_ERROR');
  expect(view.errorMessage).toContain('the agent crashed: sh killed by SIGSEGV');
  expect(view.errorMessage).toContain(view.branchName);
  expect(view.prUrl).toBeNull();
  const classification = classifyError(view.errorCode, view.errorMessage);
  expect(classification).toMatchObject({ category: 'agent_crash', retryable: true, title: 'The agent crashed' });

  expect(await platform.agents!.git.findPullRequest(TEST_REPO, view.branchName)).toBeNull();
  const dir = await cloneBranch(platform, view.branchName);
  try {
    expect(existsSync(path.join(dir, 'partial.md'))).toBe(true);
    expect(readFileSync(path.join(dir, 'partial.md'), 'utf8')).toBe('half of the change\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
