/**
 * A task from a forge issue: hydration reads the issue's title, body and comments through the
 * GitProvider (octokit against the forge), sanitises them, keeps them within the token budget and
 * stores the prompt (claim check); the agent then opens the PR.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Platform } from '../../local/platform/platform';
import { startTestPlatform, submit, TEST_REPO, waitUntil } from '../support/platform';

let platform: Platform;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'abca-issue-e2e-'));
chmodSync(dataDir, 0o755);
const trajectory = path.join(dataDir, 'blobs', 'trajectories', 'fix-typo.json');

beforeAll(async () => {
  mkdirSync(path.dirname(trajectory), { recursive: true });
  writeFileSync(
    trajectory,
    JSON.stringify({ version: 1, steps: [{ type: 'edit', path: 'README.md', find: 'widgtes', replace: 'widgets' }, { type: 'commit', message: 'Fix the typo in the README' }], result: { turns: 1, costUsd: 0.01 } }),
  );
  platform = await startTestPlatform({ dataDir, agents: { harness: { type: 'replay', trajectoryRef: pathToFileURL(trajectory).href }, reportGraceMs: 5_000, stopGraceMs: 5_000 } });
  const [owner, name] = TEST_REPO.split('/') as [string, string];
  await platform.agents!.forge.createRepository(owner, name, { files: { 'README.md': '# widgtes\n' } });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the issue text (sanitised) reaches the prompt and the task ends with a PR', async () => {
  const [owner, name] = TEST_REPO.split('/') as [string, string];
  const issue = await platform.agents!.forge.createIssue(owner, name, {
    title: 'Typo in README',
    body: 'The README says <b>widgtes</b>.\u202E Please fix it.',
    user: 'octocat',
    comments: [{ user: 'hubot', body: 'Confirmed, it should be "widgets".' }],
  });
  const { taskId } = await submit(platform, 'heidi', { taskDescription: null, issueNumber: issue.number });
  const view = await waitUntil(async () => {
    const v = await platform.views.taskViews.get(taskId);
    return v && ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED'].includes(v.status) ? v : undefined;
  }, 120_000, 'a terminal task');
  expect({ status: view.status, error: view.errorMessage }).toEqual({ status: 'COMPLETED', error: null });

  const hydrated = (await platform.store.readStream({ type: 'Task', id: taskId })).find((e) => e.type === 'ContextHydrated')!;
  const data = hydrated.data as { promptRef: string; promptVersion: string; sources: { issue: boolean; comments: number }; estimatedTokens: number };
  expect(data.sources).toMatchObject({ issue: true, comments: 1 });
  expect(data.estimatedTokens).toBeLessThanOrEqual(100_000);
  const prompt = readFileSync(fileURLToPath(data.promptRef), 'utf8');
  expect(prompt).toContain('Typo in README');
  expect(prompt).toContain('widgtes');
  expect(prompt).toContain('Confirmed, it should be "widgets".');
  expect(prompt).not.toContain('<b>');
  expect(prompt).not.toContain('\u202E');
  expect(view.branchName).toMatch(new RegExp(`^bgagent/${taskId}/`));
}, 180_000);
