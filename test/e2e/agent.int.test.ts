/**
 * A task becomes a real pull request on one machine: the platform's session service starts the
 * real agent (`agent/main.ts`) through the local compute (sandboxed child process); the agent
 * clones the repository from the local forge over HTTP, applies a recorded trajectory (replay
 * harness), commits with trailers, pushes, opens the PR through the forge's GitHub API and reports
 * through Kinesis; the finalizer finds the PR and the task ends COMPLETED.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Platform } from '../../local/platform/platform';
import { startTestPlatform, submit, TEST_REPO, waitUntil } from '../support/platform';

let platform: Platform;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'abca-agent-e2e-'));
// The agent runs as an unprivileged user when the tests run as root: it must reach its workspace.
chmodSync(dataDir, 0o755);
// Trajectories live in the blob store, which the sandboxed agent may read.
const trajectory = path.join(dataDir, 'blobs', 'trajectories', 'contributing.json');

beforeAll(async () => {
  mkdirSync(path.dirname(trajectory), { recursive: true });
  writeFileSync(
    trajectory,
    JSON.stringify({
      version: 1,
      steps: [
        { type: 'turn', text: 'Adding a CONTRIBUTING guide' },
        { type: 'write', path: 'CONTRIBUTING.md', content: '# Contributing\n\nRun the tests before you push.\n' },
        { type: 'commit', message: 'Add a contributing guide' },
      ],
      result: { turns: 2, costUsd: 0.05 },
    }),
  );
  chmodSync(trajectory, 0o644);
  platform = await startTestPlatform({
    dataDir,
    agents: { harness: { type: 'replay', trajectoryRef: pathToFileURL(trajectory).href }, reportGraceMs: 5_000, stopGraceMs: 5_000 },
  });
  const [owner, name] = TEST_REPO.split('/') as [string, string];
  await platform.agents!.forge.createRepository(owner, name, { files: { 'README.md': '# widgets\n' } });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('submit → the real agent opens a pull request on the forge → COMPLETED', async () => {
  const { taskId } = await submit(platform, 'grace', { taskDescription: 'Add a contributing guide' });
  const view = await waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v && ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED'].includes(v.status) ? v : undefined;
  }, 120_000, 'a terminal task');
  expect({ status: view.status, error: view.errorMessage }).toEqual({ status: 'COMPLETED', error: null });
  expect(view.prUrl).toMatch(/\/acme\/widgets\/pull\/\d+$/);
  const pr = await platform.agents!.git.findPullRequest(TEST_REPO, view.branchName);
  expect(pr).toMatchObject({ state: 'open', url: view.prUrl });
  expect(await platform.agents!.git.countCommitsAhead(TEST_REPO, view.branchName)).toBeGreaterThanOrEqual(1);
  const ended = (await platform.store.readStream({ type: 'Task', id: taskId })).find((e) => e.type === 'SessionEnded')!;
  expect(ended.data).toMatchObject({ outcome: 'success', turns: 2, costUsd: 0.05, commits: 1 });

  // The episode is in the repository's memory, for the next task's prompt.
  const memory = platform.ports.memory!;
  const recalled = await waitUntil(async () => {
    const items = await memory.recall(TEST_REPO, 'contributing guide', { maxTokens: 2_000 });
    return items.length > 0 ? items : undefined;
  }, 10_000, 'the memory episode');
  expect(recalled[0]!.text).toContain(`with pull request ${view.prUrl}`);
}, 180_000);
