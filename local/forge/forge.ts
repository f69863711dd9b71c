/**
 * The forge's domain: repositories (a bare git repository under `<dataDir>/git/<owner>/<name>.git`
 * plus a metadata record), issues and comments. Used by the REST routes and by the server object's
 * helpers for tests and demos. Validation failures are ApiErrors with GitHub's shapes.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { initBareRepository, seedCommit } from './git';
import { notFound, validationFailed } from './http';
import { isValidName, timestamp, type CommentRecord, type ForgeUser, type IssueRecord, type RepoRecord, type UserRecord } from './model';
import { renderRepository, type Json, type Site } from './render-repo';
import type { RenderContext } from './render-issue';
import { ForgeStore } from './store';

export interface CreateRepositoryOptions {
  /** Default `main`. */
  readonly defaultBranch?: string;
  /** Files of an initial commit on the default branch (path → content). No commit when absent and `autoInit` is false. */
  readonly files?: Readonly<Record<string, string>>;
  /** Seed a README.md when no files are given (POST /user/repos `auto_init`). */
  readonly autoInit?: boolean;
  /** Default false, as on GitHub. */
  readonly private?: boolean;
  readonly description?: string | null;
  /** Owner kind for a new owner (default User). */
  readonly ownerType?: 'User' | 'Organization';
}

export class Forge implements RenderContext {
  readonly store: ForgeStore;
  /** GIT_PROJECT_ROOT for git http-backend. */
  readonly projectRoot: string;

  constructor(
    dataDir: string,
    readonly site: Site,
  ) {
    this.store = new ForgeStore(dataDir);
    this.projectRoot = path.join(dataDir, 'git');
  }

  gitDir(repo: RepoRecord): string {
    return path.join(this.projectRoot, repo.owner, `${repo.name}.git`);
  }

  user(who: string | ForgeUser): UserRecord {
    return this.store.user(who);
  }

  repository(repo: RepoRecord): Json {
    return renderRepository(this.site, repo, this.user(repo.owner));
  }

  /** The repository, or 404 Not Found. */
  repo(owner: string, name: string): RepoRecord {
    const repo = this.store.repo(owner, name.replace(/\.git$/, ''));
    if (!repo) throw notFound('https://docs.github.com/rest/repos/repos#get-a-repository');
    return repo;
  }

  async createRepository(owner: string | ForgeUser, name: string, options: CreateRepositoryOptions = {}): Promise<RepoRecord> {
    const ownerLogin = typeof owner === 'string' ? owner : owner.login;
    const nameError = (field: string) => validationFailed([{ resource: 'Repository', code: 'custom', field, message: `${field} is invalid` }], 'https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user', 'Repository creation failed.');
    if (!isValidName(ownerLogin)) throw nameError('owner');
    if (!isValidName(name) || name.endsWith('.git')) throw nameError('name');
    const defaultBranch = options.defaultBranch ?? 'main';
    return this.store.withLock('repos', async () => {
      if (this.store.repo(ownerLogin, name)) {
        throw validationFailed([{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }], 'https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user', 'Repository creation failed.');
      }
      const ownerRecord = this.user(typeof owner === 'string' ? { login: owner, type: options.ownerType } : owner);
      const gitDir = path.join(this.projectRoot, ownerRecord.login, `${name}.git`);
      await rm(gitDir, { recursive: true, force: true }); // a leftover of a crash before the metadata was written
      await initBareRepository(gitDir, defaultBranch);
      const files = options.files ?? (options.autoInit ? { 'README.md': `# ${name}\n` } : undefined);
      if (files) await seedCommit(gitDir, defaultBranch, files, { name: ownerRecord.login, email: `${ownerRecord.login}@users.noreply.forge.local` }, 'Initial commit');
      return this.store.addRepo({ owner: ownerRecord.login, name, private: options.private ?? false, description: options.description ?? null, defaultBranch });
    });
  }

  createIssue(repo: RepoRecord, input: { title: string; body?: string | null; user: string }): IssueRecord {
    const now = timestamp();
    const issue: IssueRecord = { id: this.store.nextId(), number: repo.nextNumber++, title: input.title, body: input.body ?? null, state: 'open', user: input.user, createdAt: now, updatedAt: now, closedAt: null };
    repo.issues.push(issue);
    this.store.save();
    return issue;
  }

  /** Issue (or pull request) `number`, or 404. */
  issue(repo: RepoRecord, number: number): IssueRecord {
    const issue = repo.issues.find((i) => i.number === number);
    if (!issue) throw notFound('https://docs.github.com/rest/issues/issues#get-an-issue');
    return issue;
  }

  updateIssue(issue: IssueRecord, change: { title?: string; body?: string | null; state?: string }): void {
    if (change.state !== undefined && change.state !== 'open' && change.state !== 'closed') {
      throw validationFailed([{ resource: 'Issue', field: 'state', code: 'invalid' }]);
    }
    const now = timestamp();
    if (change.title !== undefined) issue.title = change.title;
    if (change.body !== undefined) issue.body = change.body;
    if (change.state && change.state !== issue.state) {
      issue.state = change.state;
      issue.closedAt = change.state === 'closed' ? now : null;
    }
    issue.updatedAt = now;
    this.store.save();
  }

  addComment(repo: RepoRecord, issue: IssueRecord, input: { body: string; user: string }): CommentRecord {
    const now = timestamp();
    const comment: CommentRecord = { id: this.store.nextId(), issueNumber: issue.number, body: input.body, user: input.user, createdAt: now, updatedAt: now };
    repo.comments.push(comment);
    issue.updatedAt = now;
    this.store.save();
    return comment;
  }

  comments(repo: RepoRecord, issue: IssueRecord): CommentRecord[] {
    return repo.comments.filter((c) => c.issueNumber === issue.number);
  }

  /** Records a push (pushed_at). */
  pushed(repo: RepoRecord): void {
    repo.pushedAt = timestamp();
    this.store.save();
  }
}
