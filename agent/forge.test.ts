/**
 * The agent against the local forge (git smart HTTP with token authentication): the session clones,
 * fetches and pushes with the token sent as an HTTP header only — never in a URL, a config file or
 * a message — and a retried session continues the branch the forge holds.
 *
 * Pull requests go through the real adapter (GitHubPullRequests over services/adapters/git's
 * GitHubClient, as agent/wiring.ts builds it) against the forge's REST API.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestForge, TEST_TOKEN, type TestForge } from '../local/forge/testing/test-forge';
import { FileBlobReader } from './adapters/blob-reader';
import { ReplayHarness } from './harness/replay';
import { runSession } from './runtime/run-session';
import { cloneWorkspace } from './runtime/workspace';
import { RecordingMemoryFake, RecordingTelemetryFake } from './testing/fakes';
import { GitHubPullRequests, gitHubClientFor } from './wiring';
import { silentLog } from './runtime/log';
import { createOrigin, testPayload, type TestOrigin } from './testing/git-fixtures';

jest.setTimeout(60_000);

let forge: TestForge;
let local: TestOrigin; // only for temp folders and blob files
let tmp: string;

beforeEach(async () => {
  forge = await startTestForge();
  await forge.forge.createRepository('octo', 'widgets', { files: { 'src/greet.sh': 'echo Helo\n' } });
  local = createOrigin({ 'unused.txt': 'x\n' });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'agent-forge-'));
});
afterEach(async () => {
  await forge.stop();
  local.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

async function session(workspace: string, steps: unknown[], sessionId: string) {
  const blobs = new FileBlobReader();
  const payload = testPayload(local, {
    sessionId,
    cloneUrl: forge.forge.cloneUrl('octo', 'widgets'),
    gitApiUrl: forge.forge.apiUrl,
    harness: { type: 'replay', trajectoryRef: local.file('t.json', JSON.stringify({ version: 1, steps, result: { turns: 1, costUsd: 0.05 } })) },
  });
  if (payload.harness.type !== 'replay') throw new Error('replay expected');
  const telemetry = new RecordingTelemetryFake();
  const out = await runSession({
    payload,
    workspaceDir: workspace,
    gitToken: TEST_TOKEN,
    harness: new ReplayHarness({ trajectoryRef: payload.harness.trajectoryRef, blobs }),
    blobs,
    pullRequests: new GitHubPullRequests(gitHubClientFor(forge.forge.apiUrl, TEST_TOKEN, silentLog)),
    telemetry,
    memory: new RecordingMemoryFake(),
    pushRetryDelayMs: 10,
  });
  return { out, payload, telemetry };
}

describe('the agent against the local forge', () => {
  it('clones and pushes over HTTP with the token in a header only, opens the PR; a retried session continues the branch and finds the PR', async () => {
    const first = await session(path.join(tmp, 'one', 'repo'), [
      { type: 'edit', path: 'src/greet.sh', find: 'Helo', replace: 'Hello' },
      { type: 'commit', message: 'Fix the greeting' },
    ], 's-1');
    expect(first.out.report).toMatchObject({ outcome: 'success', commits: 1, prNumber: 1 });
    expect(first.out.pullRequest).toMatchObject({ number: 1, created: true });
    const pr = await forge.api('GET', '/repos/octo/widgets/pulls/1');
    expect(pr.body).toMatchObject({ number: 1, state: 'open', html_url: first.out.report.prUrl, head: { ref: first.payload.branchName }, base: { ref: 'main' }, title: 'Fix the greeting.' });
    expect(pr.body.body).toContain('| success | 1 | $0.05 |');
    expect(pr.body.body).toContain('src/greet.sh | 2 +-');

    const branch = await forge.api('GET', `/repos/octo/widgets/branches/${first.payload.branchName}`);
    expect(branch.status).toBe(200);

    // The token is nowhere on disk in the clone.
    const config = readFileSync(path.join(tmp, 'one', 'repo', '.git', 'config'), 'utf8');
    expect(config).not.toContain(TEST_TOKEN);
    expect(config).not.toContain(Buffer.from(`x-access-token:${TEST_TOKEN}`).toString('base64'));
    expect(config).toContain(`url = ${forge.forge.url}/octo/widgets.git`);

    const second = await session(path.join(tmp, 'two', 'repo'), [{ type: 'write', path: 'MORE.md', content: 'more\n' }, { type: 'commit', message: 'More' }], 's-2');
    expect(second.out.branch!.resumed).toBe(true);
    expect(second.out.report).toMatchObject({ outcome: 'success', commits: 2, prNumber: 1, prUrl: first.out.report.prUrl });
    expect(second.out.pullRequest).toMatchObject({ number: 1, created: false });
    expect((await forge.api('GET', '/repos/octo/widgets/pulls?state=all')).body).toHaveLength(1);
    const after = await forge.api('GET', `/repos/octo/widgets/branches/${first.payload.branchName}`);
    expect(after.body.commit.sha).not.toBe(branch.body.commit.sha);
  });

  it('reports a PR the forge refuses as an error, with the branch pushed', async () => {
    const out = await (async () => {
      const blobs = new FileBlobReader();
      const payload = testPayload(local, {
        repo: 'octo/missing',
        cloneUrl: forge.forge.cloneUrl('octo', 'widgets'),
        harness: { type: 'replay', trajectoryRef: local.file('t.json', JSON.stringify({ version: 1, steps: [{ type: 'write', path: 'x.txt', content: 'x' }], result: { turns: 1, costUsd: 0 } })) },
      });
      if (payload.harness.type !== 'replay') throw new Error('replay expected');
      return runSession({
        payload,
        workspaceDir: path.join(tmp, 'pr-fail', 'repo'),
        gitToken: TEST_TOKEN,
        harness: new ReplayHarness({ trajectoryRef: payload.harness.trajectoryRef, blobs }),
        blobs,
        pullRequests: new GitHubPullRequests(gitHubClientFor(forge.forge.apiUrl, TEST_TOKEN, silentLog)),
        telemetry: new RecordingTelemetryFake(),
        memory: new RecordingMemoryFake(),
      });
    })();
    expect(out.report).toMatchObject({ outcome: 'error', commits: 1, prUrl: null });
    expect(out.report.error).toMatch(/the pull request could not be opened .*Not Found/);
  });

  it('fails a clone with a bad token with a message that does not show the token', async () => {
    const err = await cloneWorkspace({ cloneUrl: forge.forge.cloneUrl('octo', 'widgets'), dir: path.join(tmp, 'bad', 'repo'), token: 'not-the-token' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/git clone/);
    expect((err as Error).message).not.toContain('not-the-token');
    expect((err as Error).message).not.toContain(Buffer.from('x-access-token:not-the-token').toString('base64'));
  });
});
