/**
 * The local forge against the real git CLI (clone, push over smart HTTP with a token) and its REST
 * API checked against GitHub's OpenAPI description (@octokit/openapi): required fields and types
 * of repository, issue, issue-comment, pull-request, pull-request-simple, branch, comparison.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitCli } from './testing/git-cli';
import { requiredFields, shapeProblems } from './testing/openapi-shape';
import { startTestForge, TEST_TOKEN, type TestForge } from './testing/test-forge';

jest.setTimeout(30_000);

let t: TestForge;
let git: GitCli;

beforeAll(async () => {
  git = await GitCli.create();
});
afterAll(async () => {
  await rm(git.home, { recursive: true, force: true });
});
beforeEach(async () => {
  t = await startTestForge();
});
afterEach(async () => {
  await t.stop();
});

/** A repository with a pushed branch `feature/x` one commit ahead of main; returns the working copy. */
async function repoWithFeatureBranch(owner = 'acme', name = 'app'): Promise<string> {
  await t.forge.createRepository(owner, name, { files: { 'README.md': '# app\n', 'src/index.ts': 'export {};\n' } });
  const wc = await git.clone(t.forge.cloneUrl(owner, name, TEST_TOKEN));
  await git.ok(['checkout', '--quiet', '-b', 'feature/x'], wc);
  await git.commitFile(wc, 'feature.txt', 'one\n', 'Add feature');
  await git.ok(['push', '--quiet', 'origin', 'feature/x'], wc);
  return wc;
}

describe('git over smart HTTP', () => {
  test('clone with a token, commit, push: the branch and its commits are visible through the API', async () => {
    const repo = await t.forge.createRepository('acme', 'app', { files: { 'README.md': '# app\n' } });
    expect(repo.cloneUrl).toBe(`${t.forge.url}/acme/app.git`);
    const wc = await git.clone(t.forge.cloneUrl('acme', 'app', TEST_TOKEN));
    expect(existsSync(path.join(wc, 'README.md'))).toBe(true);
    expect((await git.ok(['rev-parse', '--abbrev-ref', 'HEAD'], wc)).trim()).toBe('main');

    await git.ok(['checkout', '--quiet', '-b', 'bgagent/01ABC/fix-it'], wc);
    const first = await git.commitFile(wc, 'a.txt', 'a\n');
    const second = await git.commitFile(wc, 'b.txt', 'b\n');
    const before = (await t.api('GET', '/repos/acme/app')).body.pushed_at;
    await git.ok(['push', '--quiet', 'origin', 'bgagent/01ABC/fix-it'], wc);

    const branch = await t.api('GET', `/repos/acme/app/branches/${encodeURIComponent('bgagent/01ABC/fix-it')}`);
    expect(branch.status).toBe(200);
    expect(branch.body).toMatchObject({ name: 'bgagent/01ABC/fix-it', protected: false, commit: { sha: second, parents: [{ sha: first }] } });
    expect(shapeProblems('branch-with-protection', branch.body)).toEqual([]);
    // octokit sends %2F inside a parameter, some clients send the slash as is: both work
    expect((await t.api('GET', '/repos/acme/app/branches/bgagent/01ABC/fix-it')).body.commit.sha).toBe(second);

    const cmp = await t.api('GET', `/repos/acme/app/compare/main...${encodeURIComponent('bgagent/01ABC/fix-it')}`);
    expect(cmp.body).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0, total_commits: 2 });
    expect(cmp.body.commits.map((c: { sha: string }) => c.sha)).toEqual([first, second]);
    expect(cmp.body.commits[0].commit).toMatchObject({ message: 'Update a.txt', author: { name: 'Test Author', email: 'author@example.com' } });
    expect(shapeProblems('commit-comparison', cmp.body)).toEqual([]);
    expect((await t.api('GET', '/repos/acme/app')).body.pushed_at >= before).toBe(true);

    // fetch into a second clone sees the pushed branch
    const other = await git.clone(t.forge.cloneUrl('acme', 'app', TEST_TOKEN));
    expect(await git.ok(['branch', '-r'], other)).toContain('origin/bgagent/01ABC/fix-it');
  });

  test('a push to the default branch moves it; compare reports a branch behind and diverged', async () => {
    const wc = await repoWithFeatureBranch();
    await git.ok(['checkout', '--quiet', 'main'], wc);
    await git.commitFile(wc, 'main.txt', 'main\n');
    await git.ok(['push', '--quiet', 'origin', 'main'], wc);
    expect((await t.api('GET', '/repos/acme/app/compare/feature%2Fx...main')).body).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 1 });
    expect((await t.api('GET', '/repos/acme/app/compare/main...main')).body).toMatchObject({ status: 'identical', ahead_by: 0, commits: [] });
    expect((await t.api('GET', '/repos/acme/app/compare/acme:main...acme:feature%2Fx')).body.ahead_by).toBe(1);
    const featureSha = (await git.ok(['rev-parse', 'feature/x'], wc)).trim();
    expect((await t.api('GET', `/repos/acme/app/compare/main..${featureSha.slice(0, 10)}`)).body).toMatchObject({ ahead_by: 1, behind_by: 1 });
    expect((await t.api('GET', '/repos/acme/app/compare/main...nope')).status).toBe(404);
    expect((await t.api('GET', '/repos/acme/app/branches/main~1')).status).toBe(404); // revision syntax is no branch name
  });

  test('a clone URL without .git works too, as on GitHub', async () => {
    await t.forge.createRepository('acme', 'app');
    const wc = await git.clone(t.forge.cloneUrl('acme', 'app', TEST_TOKEN).replace(/\.git$/, ''));
    expect(existsSync(path.join(wc, 'README.md'))).toBe(true);
  });

  test('a wrong or missing token is refused on clone and on push; an unknown repository is 404', async () => {
    await t.forge.createRepository('acme', 'app');
    const wrong = await git.run(['clone', t.forge.cloneUrl('acme', 'app', 'wrong-token'), path.join(git.home, 'nope')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Authentication failed|401/);
    const anonymous = await git.run(['clone', t.forge.cloneUrl('acme', 'app'), path.join(git.home, 'nope2')]);
    expect(anonymous.code).not.toBe(0);

    const wc = await git.clone(t.forge.cloneUrl('acme', 'app', TEST_TOKEN));
    await git.commitFile(wc, 'x.txt', 'x\n');
    const push = await git.run(['push', t.forge.cloneUrl('acme', 'app', 'wrong-token'), 'HEAD:refs/heads/sneaky'], wc);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/Authentication failed|401/);
    expect((await t.api('GET', '/repos/acme/app/branches/sneaky')).status).toBe(404);

    const res = await fetch(`${t.forge.url}/acme/app.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    const missing = await git.run(['clone', t.forge.cloneUrl('acme', 'nothing', TEST_TOKEN), path.join(git.home, 'nope3')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/not found|404/i);
  });
});

describe('authentication of the REST API', () => {
  test('token, Bearer and basic x-access-token are accepted; a bad or missing token is 401 in GitHub\'s shape', async () => {
    await t.forge.createRepository('acme', 'app');
    const get = (authorization?: string) => fetch(`${t.forge.apiUrl}/repos/acme/app`, { headers: authorization ? { authorization } : {} });
    expect((await get(`token ${TEST_TOKEN}`)).status).toBe(200);
    expect((await get(`Bearer ${TEST_TOKEN}`)).status).toBe(200);
    expect((await get(`Basic ${Buffer.from(`x-access-token:${TEST_TOKEN}`).toString('base64')}`)).status).toBe(200);

    const bad = await t.api('GET', '/repos/acme/app', undefined, 'nope');
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ message: 'Bad credentials', documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com/), status: '401' });
    const none = await t.api('GET', '/repos/acme/app', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.message).toBe('Requires authentication');
    expect(shapeProblems('basic-error', bad.body)).toEqual([]);
  });

  test('a token resolver decides who acts: issues and repositories are created as that user', async () => {
    await t.stop();
    t = await startTestForge({ tokens: (token) => (token === 'alice-token' ? { login: 'alice' } : token === TEST_TOKEN ? { login: 'bob', id: 4242 } : undefined) });
    const created = await t.api('POST', '/user/repos', { name: 'mine', auto_init: true }, 'alice-token');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ full_name: 'alice/mine', owner: { login: 'alice', type: 'User' }, private: false, default_branch: 'main' });
    const issue = await t.api('POST', '/repos/alice/mine/issues', { title: 'Hi' });
    expect(issue.body.user).toMatchObject({ login: 'bob', id: 4242 });
    expect(issue.body.author_association).toBe('COLLABORATOR');
    expect((await t.api('GET', '/user', undefined, 'alice-token')).body.login).toBe('alice');
  });
});

describe('REST shapes follow GitHub\'s OpenAPI description', () => {
  test.each(['full-repository', 'repository', 'issue', 'issue-comment', 'pull-request', 'pull-request-simple'])('%s has required fields to check', (name) => {
    expect(requiredFields(name).length).toBeGreaterThan(5);
  });

  test('repository, issue, issue-comment, pull-request, pull-request-simple and user', async () => {
    await repoWithFeatureBranch();
    const repo = await t.api('GET', '/repos/acme/app');
    expect(repo.status).toBe(200);
    expect(shapeProblems('full-repository', repo.body)).toEqual([]);
    expect(shapeProblems('repository', repo.body)).toEqual([]);
    expect(repo.body).toMatchObject({ name: 'app', full_name: 'acme/app', default_branch: 'main', clone_url: `${t.forge.url}/acme/app.git`, html_url: `${t.forge.url}/acme/app`, url: `${t.forge.apiUrl}/repos/acme/app` });

    const issue = await t.api('POST', '/repos/acme/app/issues', { title: 'Crash on start', body: 'Steps…' });
    expect(issue.status).toBe(201);
    expect(shapeProblems('issue', issue.body)).toEqual([]);
    expect(issue.body).toMatchObject({ number: 1, state: 'open', title: 'Crash on start', body: 'Steps…', user: { login: 'abca-agent' }, comments: 0 });

    const comment = await t.api('POST', '/repos/acme/app/issues/1/comments', { body: 'More detail' });
    expect(comment.status).toBe(201);
    expect(shapeProblems('issue-comment', comment.body)).toEqual([]);
    expect(comment.body).toMatchObject({ body: 'More detail', issue_url: `${t.forge.apiUrl}/repos/acme/app/issues/1`, user: { login: 'abca-agent' } });

    const pr = await t.api('POST', '/repos/acme/app/pulls', { head: 'acme:feature/x', base: 'main', title: 'Feature', body: 'Adds it' });
    expect(pr.status).toBe(201);
    expect(shapeProblems('pull-request', pr.body)).toEqual([]);
    expect(pr.body).toMatchObject({ number: 2, state: 'open', merged: false, commits: 1, additions: 1, deletions: 0, changed_files: 1, head: { ref: 'feature/x', label: 'acme:feature/x' }, base: { ref: 'main' } });
    expect(pr.body.html_url).toBe(`${t.forge.url}/acme/app/pull/2`);

    const single = await t.api('GET', '/repos/acme/app/pulls/2');
    expect(shapeProblems('pull-request', single.body)).toEqual([]);
    const list = await t.api('GET', '/repos/acme/app/pulls');
    expect(list.body).toHaveLength(1);
    expect(shapeProblems('pull-request-simple', list.body[0])).toEqual([]);

    const asIssue = await t.api('GET', '/repos/acme/app/issues/2');
    expect(shapeProblems('issue', asIssue.body)).toEqual([]);
    expect(asIssue.body.pull_request).toMatchObject({ url: `${t.forge.apiUrl}/repos/acme/app/pulls/2`, merged_at: null });

    const user = await t.api('GET', '/user');
    expect(shapeProblems('simple-user', user.body)).toEqual([]);
  });

  test('the checker catches a missing field and a wrong type', () => {
    expect(shapeProblems('issue-comment', { id: '1', node_id: 'x', html_url: 'u', issue_url: 'u', user: null, url: 'u', created_at: 't' })).toEqual([
      'issue-comment.updated_at: required, missing',
      expect.stringContaining('issue-comment.id: expected integer'),
    ]);
  });
});

describe('issues and comments', () => {
  beforeEach(async () => {
    await t.forge.createRepository('acme', 'app');
  });

  test('numbers are shared with pull requests; lists filter by state, sort newest first and paginate with a Link header', async () => {
    for (const title of ['one', 'two', 'three']) expect((await t.api('POST', '/repos/acme/app/issues', { title })).status).toBe(201);
    expect((await t.api('PATCH', '/repos/acme/app/issues/2', { state: 'closed' })).body).toMatchObject({ state: 'closed', closed_at: expect.any(String), state_reason: 'completed' });

    expect((await t.api('GET', '/repos/acme/app/issues')).body.map((i: { number: number }) => i.number)).toEqual([3, 1]);
    expect((await t.api('GET', '/repos/acme/app/issues?state=closed')).body.map((i: { number: number }) => i.number)).toEqual([2]);
    const page1 = await t.api('GET', '/repos/acme/app/issues?state=all&per_page=2');
    expect(page1.body.map((i: { number: number }) => i.number)).toEqual([3, 2]);
    expect(page1.headers.get('link')).toContain('rel="next"');
    const next = /<([^>]+)>; rel="next"/.exec(page1.headers.get('link')!)![1]!;
    expect((await t.api('GET', next.slice(t.forge.apiUrl.length))).body.map((i: { number: number }) => i.number)).toEqual([1]);
    expect((await t.api('GET', '/repos/acme/app/issues?state=all&direction=asc')).body.map((i: { number: number }) => i.number)).toEqual([1, 2, 3]);
    expect((await t.api('GET', '/repos/acme/app')).body.open_issues_count).toBe(2);
  });

  test('createIssue on the server object seeds an issue with comments by given authors', async () => {
    const { number, htmlUrl } = await t.forge.createIssue('acme', 'app', { title: 'Bug', body: 'It breaks', user: 'reporter', comments: [{ body: 'Me too', user: 'other' }, { body: 'Fixed soon' }] });
    expect(htmlUrl).toBe(`${t.forge.url}/acme/app/issues/${number}`);
    const issue = await t.api('GET', `/repos/acme/app/issues/${number}`);
    expect(issue.body).toMatchObject({ title: 'Bug', body: 'It breaks', user: { login: 'reporter' }, comments: 2, author_association: 'COLLABORATOR' });
    const comments = await t.api('GET', `/repos/acme/app/issues/${number}/comments`);
    expect(comments.body.map((c: { body: string; user: { login: string } }) => [c.user.login, c.body])).toEqual([['other', 'Me too'], ['acme', 'Fixed soon']]);
    expect(comments.body[1].author_association).toBe('OWNER');
  });

  test('errors: 404 for an unknown repository, issue or route; 422 for a missing title; 400 for bad JSON', async () => {
    const unknownRepo = await t.api('GET', '/repos/acme/nope');
    expect(unknownRepo.status).toBe(404);
    expect(unknownRepo.body).toMatchObject({ message: 'Not Found', documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\/rest/), status: '404' });
    expect(shapeProblems('basic-error', unknownRepo.body)).toEqual([]);
    expect((await t.api('GET', '/repos/acme/app/issues/99')).status).toBe(404);
    expect((await t.api('GET', '/repos/acme/app/issues/abc')).status).toBe(404);
    expect((await t.api('GET', '/repos/acme/app/hooks')).status).toBe(404);
    expect((await t.api('POST', '/repos/acme/nope/issues', { title: 'x' })).status).toBe(404);
    expect((await t.api('POST', '/repos/acme/app/issues/99/comments', { body: 'x' })).status).toBe(404);

    const noTitle = await t.api('POST', '/repos/acme/app/issues', { body: 'x' });
    expect(noTitle.status).toBe(422);
    expect(noTitle.body).toMatchObject({ message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }] });
    expect(shapeProblems('validation-error', noTitle.body)).toEqual([]);
    const badJson = await fetch(`${t.forge.apiUrl}/repos/acme/app/issues`, { method: 'POST', headers: { authorization: `token ${TEST_TOKEN}` }, body: '{nope' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toBe('Problems parsing JSON');
  });
});

describe('pull requests', () => {
  test('422 in GitHub\'s shape for an existing pull request, a missing head branch, and no commits', async () => {
    await repoWithFeatureBranch();
    expect((await t.api('POST', '/repos/acme/app/pulls', { head: 'feature/x', base: 'main', title: 'A' })).status).toBe(201);

    const again = await t.api('POST', '/repos/acme/app/pulls', { head: 'acme:feature/x', base: 'main', title: 'B' });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:feature/x.' }],
      documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      status: '422',
    });
    const noHead = await t.api('POST', '/repos/acme/app/pulls', { head: 'acme:missing', base: 'main', title: 'C' });
    expect(noHead.status).toBe(422);
    expect(noHead.body.errors).toEqual([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    expect((await t.api('POST', '/repos/acme/app/pulls', { head: 'other:feature/x', base: 'main', title: 'D' })).status).toBe(422);
    expect((await t.api('POST', '/repos/acme/app/pulls', { head: 'feature/x', base: 'nope', title: 'E' })).body.errors).toEqual([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    const empty = await t.api('POST', '/repos/acme/app/pulls', { head: 'main', base: 'main', title: 'F' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].message).toBe('No commits between main and main');
    expect((await t.api('POST', '/repos/acme/app/pulls', { head: 'feature/x', base: 'main' })).body.errors).toEqual([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
  });

  test('concurrent creations for one head make one pull request and 422s', async () => {
    await repoWithFeatureBranch();
    const results = await Promise.all([1, 2, 3].map((n) => t.api('POST', '/repos/acme/app/pulls', { head: 'acme:feature/x', base: 'main', title: `T${n}` })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    expect((await t.api('GET', '/repos/acme/app/pulls?state=all')).body).toHaveLength(1);
  });

  test('list by head, base and state; close with PATCH; a plain issue is no pull request', async () => {
    const wc = await repoWithFeatureBranch();
    await git.ok(['checkout', '--quiet', '-b', 'other'], wc);
    await git.commitFile(wc, 'o.txt', 'o\n');
    await git.ok(['push', '--quiet', 'origin', 'other'], wc);
    const a = (await t.api('POST', '/repos/acme/app/pulls', { head: 'acme:feature/x', base: 'main', title: 'A' })).body;
    await t.api('POST', '/repos/acme/app/pulls', { head: 'acme:other', base: 'main', title: 'B' });

    const byHead = await t.api('GET', `/repos/acme/app/pulls?head=${encodeURIComponent('acme:feature/x')}&state=all`);
    expect(byHead.body.map((p: { number: number }) => p.number)).toEqual([a.number]);
    expect((await t.api('GET', '/repos/acme/app/pulls?head=someone:feature/x&state=all')).body).toEqual([]);
    expect((await t.api('GET', '/repos/acme/app/pulls?base=main')).body).toHaveLength(2);

    const closed = await t.api('PATCH', `/repos/acme/app/pulls/${a.number}`, { state: 'closed' });
    expect(closed.body).toMatchObject({ state: 'closed', merged: false, closed_at: expect.any(String) });
    expect((await t.api('GET', `/repos/acme/app/pulls?head=acme:feature/x`)).body).toEqual([]);
    expect((await t.api('GET', `/repos/acme/app/pulls?head=acme:feature/x&state=closed`)).body).toHaveLength(1);
    const issue = (await t.api('POST', '/repos/acme/app/issues', { title: 'plain issue' })).body;
    expect((await t.api('GET', `/repos/acme/app/pulls/${issue.number}`)).status).toBe(404); // an issue, not a pull request
  });

  test('an open pull request tracks its head branch', async () => {
    const wc = await repoWithFeatureBranch();
    const pr = (await t.api('POST', '/repos/acme/app/pulls', { head: 'feature/x', base: 'main', title: 'A' })).body;
    await git.ok(['checkout', '--quiet', 'feature/x'], wc);
    const sha = await git.commitFile(wc, 'more.txt', 'more\n');
    await git.ok(['push', '--quiet', 'origin', 'feature/x'], wc);
    expect((await t.api('GET', `/repos/acme/app/pulls/${pr.number}`)).body).toMatchObject({ head: { sha }, commits: 2 });
  });
});

describe('repositories', () => {
  test('POST /user/repos and /orgs/{org}/repos create repositories; a duplicate name is 422', async () => {
    const user = await t.api('POST', '/user/repos', { name: 'tool', description: 'A tool', private: true });
    expect(user.status).toBe(201);
    expect(user.body).toMatchObject({ full_name: 'abca-agent/tool', description: 'A tool', private: true, visibility: 'private' });
    const org = await t.api('POST', '/orgs/acme/repos', { name: 'svc', auto_init: true });
    expect(org.body).toMatchObject({ full_name: 'acme/svc', owner: { login: 'acme', type: 'Organization' } });
    expect(shapeProblems('full-repository', org.body)).toEqual([]);
    expect((await t.api('GET', '/repos/acme/svc/branches/main')).status).toBe(200);
    expect((await t.api('GET', '/repos/abca-agent/tool/branches/main')).status).toBe(404); // no auto_init: empty

    const dup = await t.api('POST', '/orgs/acme/repos', { name: 'svc' });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0]).toMatchObject({ resource: 'Repository', field: 'name', message: 'name already exists on this account' });
    expect((await t.api('POST', '/user/repos', { name: '../evil' })).status).toBe(422);
    expect((await t.api('POST', '/user/repos', {})).status).toBe(422);
  });

  test('an empty repository accepts a first push', async () => {
    await t.api('POST', '/user/repos', { name: 'empty' });
    const dir = await mkdtemp(path.join(git.home, 'init-'));
    await git.ok(['init', '--quiet', '-b', 'main', dir]);
    await git.commitFile(dir, 'f.txt', 'f\n');
    await git.ok(['push', '--quiet', t.forge.cloneUrl('abca-agent', 'empty', TEST_TOKEN), 'main'], dir);
    expect((await t.api('GET', '/repos/abca-agent/empty/branches/main')).status).toBe(200);
  });

  test('names are case-insensitive, as on GitHub', async () => {
    await t.forge.createRepository('Acme', 'App');
    expect((await t.api('GET', '/repos/acme/app')).body.full_name).toBe('Acme/App');
    await git.clone(t.forge.cloneUrl('ACME', 'app', TEST_TOKEN));
  });

  test('metadata and repositories survive a restart on the same data folder', async () => {
    await repoWithFeatureBranch();
    await t.forge.createIssue('acme', 'app', { title: 'Persist me', comments: [{ body: 'still here' }] });
    await t.api('POST', '/repos/acme/app/pulls', { head: 'feature/x', base: 'main', title: 'PR' });
    const dataDir = t.dataDir;
    await t.stop({ keepData: true });
    t = await startTestForge({ dataDir });
    expect((await t.api('GET', '/repos/acme/app/issues/1')).body).toMatchObject({ title: 'Persist me', comments: 1 });
    expect((await t.api('GET', '/repos/acme/app/pulls?state=all')).body.map((p: { number: number }) => p.number)).toEqual([2]);
    expect((await t.api('POST', '/repos/acme/app/issues', { title: 'next' })).body.number).toBe(3);
    expect((await t.api('GET', '/repos/acme/app/branches/feature%2Fx')).status).toBe(200);
  });
});

test('fault injection answers matching requests with the given status, then lets them through', async () => {
  await t.forge.createRepository('acme', 'app');
  t.forge.injectFault({ status: 502, method: 'GET', path: '/repos/acme/app', times: 2 });
  expect((await t.api('GET', '/repos/acme/app')).status).toBe(502);
  expect((await t.api('POST', '/repos/acme/app/issues', { title: 'x' })).status).toBe(201); // other method: untouched
  expect((await t.api('GET', '/repos/acme/app')).status).toBe(502);
  expect((await t.api('GET', '/repos/acme/app')).status).toBe(200);
  expect(t.forge.faultsInjected).toBe(2);
});

describe('cli', () => {
  const tsxCli = require.resolve('tsx/cli');
  const cli = path.join(__dirname, 'cli.ts');

  test('--help prints the usage', async () => {
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [tsxCli, cli, '--help']);
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('close', () => resolve(text));
    });
    expect(out).toContain('--data-dir DIR');
    expect(out).toContain('--token T');
  });

  test('serves a repository it was asked to create, until SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'forge-cli-'));
    const child = spawn(process.execPath, [tsxCli, cli, '--port', '0', '--data-dir', dataDir, '--token', 'cli-token', '--repo', 'acme/demo', '--quiet']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /Local forge: (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]!);
        });
        child.on('close', (code) => reject(new Error(`cli exited ${String(code)}: ${text}`)));
      });
      const res = await fetch(`${url}/repos/acme/demo`, { headers: { authorization: 'token cli-token' } });
      expect(((await res.json()) as { default_branch: string }).default_branch).toBe('main');
      await git.clone(`${url.replace('http://', 'http://x-access-token:cli-token@')}/acme/demo.git`);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
