/**
 * The `claude` harness through the whole platform: the real Claude Agent SDK (bundled Claude Code)
 * runs inside the sandboxed agent process against a scripted Anthropic Messages API server; its
 * Write and Bash tools change and commit files in the workspace; the runtime pushes and opens the
 * PR; the task ends COMPLETED.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '../../local/platform/platform';
import { startMessagesServer, text, toolUse, turn, type MessagesServer } from '../support/anthropic/messages-server';
import { startTestPlatform, submit, TEST_REPO, waitUntil } from '../support/platform';

let platform: Platform;
let llm: MessagesServer;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'abca-claude-e2e-'));
chmodSync(dataDir, 0o755);

beforeAll(async () => {
  llm = await startMessagesServer({
    script: [
      // Relative paths: the workspace path is only known inside the sandbox.
      turn(toolUse('Write', { file_path: 'NOTES.md', content: 'Notes written by the agent.\n' })),
      turn(toolUse('Bash', { command: 'git add -A && git commit -q -m "Add notes"', description: 'Commit the notes' })),
      turn(text('Done: NOTES.md is committed.')),
    ],
  });
  platform = await startTestPlatform({
    dataDir,
    agents: {
      harness: { type: 'claude', provider: 'anthropic' },
      env: { ANTHROPIC_BASE_URL: llm.url, ANTHROPIC_API_KEY: 'sk-ant-test' },
      reportGraceMs: 10_000,
      stopGraceMs: 5_000,
    },
  });
  const [owner, name] = TEST_REPO.split('/') as [string, string];
  await platform.agents!.forge.createRepository(owner, name, { files: { 'README.md': '# widgets\n' } });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
  await llm?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('submit → Claude Code edits and commits through the scripted model → PR → COMPLETED', async () => {
  const { taskId } = await submit(platform, 'ivan', { taskDescription: 'Write some notes' });
  const view = await waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v && ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED'].includes(v.status) ? v : undefined;
  }, 150_000, 'a terminal task');
  expect({ status: view.status, error: view.errorMessage }).toEqual({ status: 'COMPLETED', error: null });
  expect(view.prUrl).toMatch(/\/pull\/\d+$/);
  expect(llm.turnsServed()).toBe(3);
  const ended = (await platform.store.readStream({ type: 'Task', id: taskId })).find((e) => e.type === 'SessionEnded')!;
  expect(ended.data).toMatchObject({ outcome: 'success', commits: 1 });
  expect((ended.data as { costUsd: number }).costUsd).toBeGreaterThan(0);
}, 200_000);
