/**
 * The local forge's durable metadata (repositories, issues, pull requests, comments), as kept in
 * `<dataDir>/forge.json`. Git data lives in bare repositories next to it; a pull request stores
 * the branch names and the last shas it saw, and reads the live tips from git.
 */

/** Who acts: the user a token resolves to, or the owner of a repository. */
export interface ForgeUser {
  readonly login: string;
  /** Allocated by the forge when absent (stable per login). */
  readonly id?: number;
  readonly type?: 'User' | 'Organization' | 'Bot';
}

export interface UserRecord {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Organization' | 'Bot';
}

export interface RepoRecord {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly private: boolean;
  description: string | null;
  defaultBranch: string;
  readonly createdAt: string;
  updatedAt: string;
  pushedAt: string;
  /** Issues and pull requests share one sequence of numbers, as on GitHub. */
  nextNumber: number;
  readonly issues: IssueRecord[];
  readonly comments: CommentRecord[];
}

export interface IssueRecord {
  readonly id: number;
  readonly number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  readonly user: string;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Present when the issue is a pull request. */
  readonly pull?: PullRecord;
}

interface PullRecord {
  readonly id: number;
  readonly head: { readonly ref: string; sha: string };
  readonly base: { ref: string; sha: string };
  readonly draft: boolean;
  merged: boolean;
  mergedAt: string | null;
}

export interface CommentRecord {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: string;
  readonly createdAt: string;
  updatedAt: string;
}

export interface ForgeState {
  readonly version: 1;
  nextId: number;
  readonly users: Record<string, UserRecord>;
  /** Keyed by the lower-cased `owner/name` (GitHub's names are case-insensitive). */
  readonly repos: Record<string, RepoRecord>;
}

/** GitHub's timestamp format: ISO 8601, seconds precision, UTC. */
export const timestamp = (date = new Date()): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const repoKey = (owner: string, name: string): string => `${owner}/${name}`.toLowerCase();

/** Owner and repository names as GitHub allows them (letters, digits, `.`, `_`, `-`; not `.` or `..`). */
export const isValidName = (name: string): boolean => /^[A-Za-z0-9._-]{1,100}$/.test(name) && name !== '.' && name !== '..';
