/**
 * JSON shapes of users, repositories, commits, branches and comparisons, following the schemas of
 * GitHub's OpenAPI description (`simple-user`, `full-repository`, `commit`,
 * `branch-with-protection`, `commit-comparison`): every required field, with its JSON type.
 */
import type { GitCommit } from './git';
import type { RepoRecord, UserRecord } from './model';

export type Json = Record<string, unknown>;

/** Where the forge is reached: the REST API and the "web" share one base (`http://host:port`). */
export interface Site {
  readonly base: string;
}

export const nodeId = (kind: string, id: number): string => Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');

export const repoApi = (site: Site, repo: RepoRecord) => `${site.base}/repos/${repo.owner}/${repo.name}`;
export const repoHtml = (site: Site, repo: RepoRecord) => `${site.base}/${repo.owner}/${repo.name}`;

export function renderUser(site: Site, user: UserRecord): Json {
  const api = `${site.base}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `${site.base}/avatars/${user.login}`,
    gravatar_id: '',
    url: api,
    html_url: `${site.base}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function renderRepository(site: Site, repo: RepoRecord, owner: UserRecord): Json {
  const api = repoApi(site, repo);
  const html = repoHtml(site, repo);
  const host = new URL(site.base).host;
  const fullName = `${repo.owner}/${repo.name}`;
  const openIssues = repo.issues.filter((i) => i.state === 'open').length;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: renderUser(site, owner),
    html_url: html,
    description: repo.description,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: `git@${host}:${fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    network_count: 0,
    subscribers_count: 0,
  };
}

function renderCommit(site: Site, repo: RepoRecord, c: GitCommit): Json {
  const api = repoApi(site, repo);
  const html = repoHtml(site, repo);
  return {
    sha: c.sha,
    node_id: Buffer.from(`04:Commit${repo.id}:${c.sha}`).toString('base64'),
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${html}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    // GitHub links the commit's email to an account when it can; the forge has no such mapping.
    author: {},
    committer: {},
    parents: c.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${html}/commit/${sha}` })),
  };
}

export function renderBranch(site: Site, repo: RepoRecord, name: string, tip: GitCommit): Json {
  const api = repoApi(site, repo);
  return {
    name,
    commit: renderCommit(site, repo, tip),
    _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${repoHtml(site, repo)}/tree/${name}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}

export interface Comparison {
  readonly basehead: string;
  readonly base: GitCommit;
  readonly head: GitCommit;
  readonly mergeBase: GitCommit;
  readonly aheadBy: number;
  readonly behindBy: number;
  readonly commits: readonly GitCommit[];
}

export function renderComparison(site: Site, repo: RepoRecord, cmp: Comparison): Json {
  const html = repoHtml(site, repo);
  const status = cmp.aheadBy && cmp.behindBy ? 'diverged' : cmp.aheadBy ? 'ahead' : cmp.behindBy ? 'behind' : 'identical';
  return {
    url: `${repoApi(site, repo)}/compare/${cmp.basehead}`,
    html_url: `${html}/compare/${cmp.basehead}`,
    permalink_url: `${html}/compare/${repo.owner}:${cmp.base.sha}...${repo.owner}:${cmp.head.sha}`,
    diff_url: `${html}/compare/${cmp.basehead}.diff`,
    patch_url: `${html}/compare/${cmp.basehead}.patch`,
    base_commit: renderCommit(site, repo, cmp.base),
    merge_base_commit: renderCommit(site, repo, cmp.mergeBase),
    status,
    ahead_by: cmp.aheadBy,
    behind_by: cmp.behindBy,
    total_commits: cmp.aheadBy,
    commits: cmp.commits.map((c) => renderCommit(site, repo, c)),
    files: [],
  };
}
