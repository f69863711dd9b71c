/**
 * GitHubClient (the octokit GitProvider) against the local forge: real octokit with its retry and
 * throttling plugins over HTTP, real git pushes. Only `baseUrl` differs from GitHub.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GitCli } from '../../../local/forge/testing/git-cli';
import { startTestForge, TEST_TOKEN, type TestForge } from '../../../local/forge/testing/test-forge';
import { issueError } from '../../tasks/hydration/basic-context-source';
import { GitHubClient, type GitHubClientOptions } from './octokit-git-provider';

jest.setTimeout(30_000);

let t: TestForge;
let git: GitCli;
let warnings: Array<{ message: string; details?: Record<string, unknown> }>;
let clients = 0;

/** A client of its own pacing group (so tests do not wait on each other's writes), with short waits. */
const client = (options: Partial<GitHubClientOptions> = {}) =>
  new GitHubClient({ token: TEST_TOKEN, baseUrl: t.forge.apiUrl, waitUnitMs: 5, pacingGroup: `test-${++clients}`, log: { warn: (message, details) => warnings.push({ message, details }) }, ...options });

beforeAll(async () => {
  git = await GitCli.create();
});
afterAll(async () => {
  await rm(git.home, { recursive: true, force: true });
});
beforeEach(async () => {
  warnings = [];
  t = await startTestForge();
  await t.forge.createRepository('acme', 'app', { files: { 'README.md': '# app\n' } });
});
afterEach(async () => {
  await t.stop();
});

/** Pushes `branch` with `commits` commits on top of main. */
async function pushBranch(branch: string, commits: number): Promise<void> {
  const wc = await git.clone(t.forge.cloneUrl('acme', 'app', TEST_TOKEN));
  await git.ok(['checkout', '--quiet', '-b', branch], wc);
  for (let i = 0; i < commits; i++) await git.commitFile(wc, `f${i}.txt`, `${i}\n`, `Commit ${i}\n\nTask-Id: 01TEST`);
  await git.ok(['push', '--quiet', 'origin', branch], wc);
}

test('repository and defaultBranch read the repository', async () => {
  const github = client();
  expect(await github.repository('acme/app')).toEqual({ fullName: 'acme/app', defaultBranch: 'main', cloneUrl: t.forge.cloneUrl('acme', 'app'), htmlUrl: `${t.forge.url}/acme/app`, private: false });
  await t.forge.createRepository('acme', 'trunk', { defaultBranch: 'trunk' });
  expect(await github.defaultBranch('acme/trunk')).toBe('trunk');
  await expect(github.defaultBranch('acme/missing')).rejects.toMatchObject({ status: 404 });
  await expect(github.defaultBranch('not-a-repo')).rejects.toThrow('owner/name');
});

describe('countCommitsAhead', () => {
  test('counts commits on the branch that are not on the default branch; 0 for a missing branch or the default branch', async () => {
    const github = client();
    expect(await github.countCommitsAhead('acme/app', 'bgagent/01TEST/nothing')).toBe(0);
    await pushBranch('bgagent/01TEST/fix-login', 2);
    expect(await github.countCommitsAhead('acme/app', 'bgagent/01TEST/fix-login')).toBe(2);
    expect(await github.countCommitsAhead('acme/app', 'main')).toBe(0);
  });
});

describe('findPullRequest and ensurePullRequest', () => {
  const branch = 'bgagent/01TEST/add-feature';

  test('null before; ensure creates once (against the default branch), then finds the same one', async () => {
    const github = client();
    await pushBranch(branch, 1);
    expect(await github.findPullRequest('acme/app', branch)).toBeNull();

    const created = await github.ensurePullRequest({ repo: 'acme/app', head: branch, title: 'Add feature', body: 'Task 01TEST' });
    expect(created).toEqual({ number: 1, url: `${t.forge.url}/acme/app/pull/1`, state: 'open', merged: false, created: true });
    const again = await github.ensurePullRequest({ repo: 'acme/app', head: branch, title: 'Add feature (retry)' });
    expect(again).toEqual({ ...created, created: false });
    expect(await github.findPullRequest('acme/app', branch)).toEqual({ number: 1, url: created.url, state: 'open', merged: false });

    const pr = await github.octokit.rest.pulls.get({ owner: 'acme', repo: 'app', pull_number: 1 });
    expect(pr.data).toMatchObject({ title: 'Add feature', body: 'Task 01TEST', base: { ref: 'main' }, head: { ref: branch } });
  });

  test('a closed pull request is found (state closed) and not duplicated', async () => {
    const github = client();
    await pushBranch(branch, 1);
    const { number } = await github.ensurePullRequest({ repo: 'acme/app', head: branch, title: 'T' });
    await github.octokit.rest.pulls.update({ owner: 'acme', repo: 'app', pull_number: number, state: 'closed' });
    expect(await github.findPullRequest('acme/app', branch)).toMatchObject({ number, state: 'closed', merged: false });
    expect(await github.ensurePullRequest({ repo: 'acme/app', head: branch, title: 'T' })).toMatchObject({ number, state: 'closed', created: false });
  });

  test('two concurrent ensures (two clients, like two retried agents) make one pull request', async () => {
    await pushBranch(branch, 1);
    const results = await Promise.all([client(), client()].map((c) => c.ensurePullRequest({ repo: 'acme/app', head: branch, title: 'Race' })));
    expect(results[0]!.number).toBe(results[1]!.number);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect((await t.api('GET', '/repos/acme/app/pulls?state=all')).body).toHaveLength(1);
  });

  test('a creation that loses the race (422 already exists) returns the winner', async () => {
    await pushBranch(branch, 1);
    const github = client();
    // The other agent creates its pull request between this client's look and its create.
    const find = github.findPullRequest.bind(github);
    jest.spyOn(github, 'findPullRequest').mockImplementationOnce(async (repo, head) => {
      const seen = await find(repo, head);
      await t.api('POST', '/repos/acme/app/pulls', { head: `acme:${head}`, base: 'main', title: 'Winner' });
      return seen;
    });
    const result = await github.ensurePullRequest({ repo: 'acme/app', head: branch, title: 'Loser' });
    expect(result).toMatchObject({ number: 1, created: false, state: 'open' });
    expect((await github.octokit.rest.pulls.get({ owner: 'acme', repo: 'app', pull_number: 1 })).data.title).toBe('Winner');
  });

  test('a head branch that was never pushed is a 422 from GitHub', async () => {
    await expect(client().ensurePullRequest({ repo: 'acme/app', head: 'bgagent/01TEST/never-pushed', title: 'T' })).rejects.toMatchObject({ status: 422 });
  });
});

describe('getIssue', () => {
  test('returns the issue with every comment in order, across pages', async () => {
    const comments = Array.from({ length: 105 }, (_, i) => ({ body: `comment ${i}`, user: i % 2 ? 'alice' : 'bob' }));
    const { number } = await t.forge.createIssue('acme', 'app', { title: 'Login fails', body: 'Steps to reproduce', user: 'reporter', comments });
    const issue = await client().getIssue('acme/app', number);
    expect(issue).toMatchObject({ number, title: 'Login fails', body: 'Steps to reproduce' });
    expect(issue.comments).toHaveLength(105);
    expect(issue.comments[0]).toEqual({ author: 'bob', body: 'comment 0', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(issue.comments[104]!.body).toBe('comment 104');
  });

  test('an issue without comments or body', async () => {
    const { number } = await t.forge.createIssue('acme', 'app', { title: 'Bare' });
    expect(await client().getIssue('acme/app', number)).toEqual({ number, title: 'Bare', body: null, comments: [] });
  });

  test('a missing issue is a 404 that hydration reports as permanent; a bad token a 401, not retried', async () => {
    const missing = await client().getIssue('acme/app', 42).catch((err: unknown) => err);
    expect(missing).toMatchObject({ status: 404 });
    expect(issueError(missing, 'acme/app', 42).retryable).toBe(false);
    await expect(client({ token: 'wrong' }).getIssue('acme/app', 1)).rejects.toMatchObject({ status: 401 });
  });
});

describe('retries and rate limits', () => {
  test('a 502 from a flaky proxy is retried by the retry plugin', async () => {
    const { number } = await t.forge.createIssue('acme', 'app', { title: 'Flaky', comments: [{ body: 'c' }] });
    t.forge.injectFault({ status: 502, method: 'GET', path: `/repos/acme/app/issues/${number}`, times: 2, body: { message: 'Bad Gateway' } });
    const issue = await client().getIssue('acme/app', number);
    expect(issue.title).toBe('Flaky');
    expect(t.forge.faultsInjected).toBe(2);
  });

  test('an outage longer than the retries fails with its status', async () => {
    t.forge.injectFault({ status: 503, path: '/repos/acme/app', times: 10 });
    const err = await client({ retries: 2 }).defaultBranch('acme/app').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503 });
    expect(t.forge.faultsInjected).toBe(3); // the call and two retries
    expect(issueError(err, 'acme/app', 1).retryable).toBe(true);
  });

  test('a secondary rate limit (429 with retry-after) is waited out and retried by the throttling plugin', async () => {
    t.forge.injectFault({ status: 429, path: '/repos/acme/app', headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } });
    expect(await client().defaultBranch('acme/app')).toBe('main');
    expect(t.forge.faultsInjected).toBe(1);
    expect(warnings).toEqual([{ message: 'GitHub secondary rate limit', details: expect.objectContaining({ retryAfter: 1, retryCount: 0, retrying: true }) }]);
  });

  test('a primary rate limit with a reset too far away fails at once', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    t.forge.injectFault({ status: 403, path: '/repos/acme/app', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded' } });
    await expect(client().defaultBranch('acme/app')).rejects.toMatchObject({ status: 403 });
    expect(warnings[0]).toMatchObject({ message: 'GitHub primary rate limit', details: { retrying: false } });
  });
});

test('outside jest, under tsx, the ESM-only octokit loads through require(esm)', async () => {
  await pushBranch('feature', 3);
  const root = path.resolve(__dirname, '../../..');
  const script = `
    const { GitHubClient } = require('./services/adapters/git/octokit-git-provider');
    const github = new GitHubClient({ token: ${JSON.stringify(TEST_TOKEN)}, baseUrl: ${JSON.stringify(t.forge.apiUrl)} });
    Promise.all([github.defaultBranch('acme/app'), github.countCommitsAhead('acme/app', 'feature')]).then((r) => console.log(JSON.stringify(r)));`;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [require.resolve('tsx/cli'), '-e', script], { cwd: root }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
  expect(JSON.parse(out)).toEqual(['main', 3]);
});
