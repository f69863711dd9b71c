/**
 * Every commit the real agent pushes carries exactly one `Task-Id` and one `Prompt-Version`
 * trailer (checked on a real git clone of the PR branch), and the PR body has its verification
 * section.
 */
import { rmSync } from 'node:fs';
import { submit, TEST_REPO } from '../support/platform';
import { cloneBranch, git, startAgentPlatform, waitTerminal, type AgentE2e } from '../support/agent-e2e';

let e2e: AgentE2e;

beforeAll(async () => {
  e2e = await startAgentPlatform([
    { type: 'turn', text: 'Two commits' },
    { type: 'write', path: 'docs/one.md', content: 'one\n' },
    { type: 'commit', message: 'Add the first doc' },
    { type: 'write', path: 'docs/two.md', content: 'two\n' },
    { type: 'commit', message: 'Add the second doc\n\nWith a body line.' },
  ]);
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

test('commits on the branch carry the trailers; the PR body has the verification section', async () => {
  const { platform } = e2e;
  const { taskId } = await submit(platform, 'grace', { taskDescription: 'Add two docs' });
  const view = await waitTerminal(platform, taskId);
  expect({ status: view.status, error: view.errorMessage }).toEqual({ status: 'COMPLETED', error: null });

  const dir = await cloneBranch(platform, view.branchName);
  try {
    const shas = git(dir, ['rev-list', `origin/main..HEAD`]).trim().split('\n').filter(Boolean);
    expect(shas.length).toBeGreaterThanOrEqual(2);
    for (const sha of shas) {
      const message = git(dir, ['log', '-1', '--format=%B', sha]);
      const taskIds = message.match(/^Task-Id: .*$/gm) ?? [];
      const versions = message.match(/^Prompt-Version: .*$/gm) ?? [];
      expect({ sha, taskIds }).toEqual({ sha, taskIds: [`Task-Id: ${taskId}`] });
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatch(/^Prompt-Version: [0-9a-f]{12}$/);
      // git itself parses them as trailers (they are in the final trailer block).
      const parsed = git(dir, ['log', '-1', '--format=%(trailers:only,unfold)', sha]);
      expect(parsed).toContain(`Task-Id: ${taskId}`);
      expect(parsed).toMatch(/Prompt-Version: [0-9a-f]{12}/);
    }
    // main's commits are not stamped
    const mainMessage = git(dir, ['log', '-1', '--format=%B', 'origin/main']);
    expect(mainMessage).not.toMatch(/Task-Id:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const [owner, repo] = TEST_REPO.split('/') as [string, string];
  const { data: pr } = await platform.agents!.git.octokit.rest.pulls.get({ owner, repo, pull_number: view.prNumber! });
  expect(pr.body).toContain('## Verification');
  expect(pr.body).toContain(`Task-Id: ${taskId}`);
}, 180_000);
