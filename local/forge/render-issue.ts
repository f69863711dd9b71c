/**
 * JSON shapes of issues, issue comments and pull requests, following GitHub's OpenAPI schemas
 * `issue`, `issue-comment`, `pull-request-simple` (lists) and `pull-request` (single, with the
 * counts and merge fields). Git facts (shas, counts) are computed by the caller.
 */
import type { CommentRecord, IssueRecord, RepoRecord, UserRecord } from './model';
import { nodeId, renderUser, repoApi, repoHtml, type Json, type Site } from './render-repo';

/** Looks up (or registers) a user by login, and renders a repository (for pull request heads and bases). */
export interface RenderContext {
  readonly site: Site;
  user(login: string): UserRecord;
  repository(repo: RepoRecord): Json;
}

const association = (repo: RepoRecord, login: string) => (login.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'COLLABORATOR');

const pageOf = (issue: IssueRecord) => (issue.pull ? 'pull' : 'issues');

export function renderIssue(ctx: RenderContext, repo: RepoRecord, issue: IssueRecord): Json {
  const api = `${repoApi(ctx.site, repo)}/issues/${issue.number}`;
  const html = `${repoHtml(ctx.site, repo)}/${pageOf(issue)}/${issue.number}`;
  const json: Json = {
    url: api,
    repository_url: repoApi(ctx.site, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    id: issue.id,
    node_id: nodeId(issue.pull ? 'PullRequest' : 'Issue', issue.id),
    number: issue.number,
    title: issue.title,
    user: renderUser(ctx.site, ctx.user(issue.user)),
    labels: [],
    state: issue.state,
    state_reason: issue.state === 'closed' ? 'completed' : null,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: association(repo, issue.user),
    active_lock_reason: null,
    body: issue.body,
    closed_by: null,
    timeline_url: `${api}/timeline`,
  };
  if (issue.pull) {
    const pulls = `${repoApi(ctx.site, repo)}/pulls/${issue.number}`;
    json.draft = issue.pull.draft;
    json.pull_request = { url: pulls, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: issue.pull.mergedAt };
  }
  return json;
}

export function renderComment(ctx: RenderContext, repo: RepoRecord, comment: CommentRecord): Json {
  const issue = repo.issues.find((i) => i.number === comment.issueNumber);
  const issueHtml = `${repoHtml(ctx.site, repo)}/${issue ? pageOf(issue) : 'issues'}/${comment.issueNumber}`;
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${repoApi(ctx.site, repo)}/issues/comments/${comment.id}`,
    html_url: `${issueHtml}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(ctx.site, repo)}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: renderUser(ctx.site, ctx.user(comment.user)),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: association(repo, comment.user),
  };
}

/** What git says about a pull request, for the single-PR shape. */
export interface PullStats {
  readonly commits: number;
  readonly additions: number;
  readonly deletions: number;
  readonly changedFiles: number;
}

/** `pull-request-simple` (stats absent) or `pull-request` (stats given). */
export function renderPull(ctx: RenderContext, repo: RepoRecord, issue: IssueRecord, stats?: PullStats): Json {
  const pull = issue.pull;
  if (!pull) throw new Error(`#${issue.number} is not a pull request`);
  const api = repoApi(ctx.site, repo);
  const self = `${api}/pulls/${issue.number}`;
  const html = `${repoHtml(ctx.site, repo)}/pull/${issue.number}`;
  const owner = ctx.user(repo.owner);
  const repository = ctx.repository(repo);
  const side = (s: { ref: string; sha: string }) => ({ label: `${repo.owner}:${s.ref}`, ref: s.ref, sha: s.sha, user: renderUser(ctx.site, owner), repo: repository });
  const json: Json = {
    url: self,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${issue.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    statuses_url: `${api}/statuses/${pull.head.sha}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: renderUser(ctx.site, ctx.user(issue.user)),
    body: issue.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head),
    base: side(pull.base),
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${api}/issues/${issue.number}` },
      comments: { href: `${api}/issues/${issue.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${pull.head.sha}` },
    },
    author_association: association(repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
  };
  if (!stats) return json;
  return {
    ...json,
    merged: pull.merged,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: stats.commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.changedFiles,
  };
}
