/**
 * The forge's metadata store: everything in memory, written to `<dataDir>/forge.json` atomically
 * (temporary file, fsync, rename) after each change, before the API call that made it answers.
 * `withLock(key, fn)` serializes read-check-write sequences (e.g. "no open pull request for this
 * head yet → create one") per repository, because their git reads are asynchronous.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { repoKey, timestamp, type ForgeState, type ForgeUser, type RepoRecord, type UserRecord } from './model';

export class ForgeStore {
  private readonly file: string;
  private readonly state: ForgeState;
  private readonly locks = new Map<string, Promise<unknown>>();
  private writes = 0;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'forge.json');
    this.state = existsSync(this.file) ? load(this.file) : { version: 1, nextId: 1, users: {}, repos: {} };
  }

  /** A new id, unique across every kind of record (as GitHub's are unique per kind). */
  nextId(): number {
    return this.state.nextId++;
  }

  /** The user record of `login`, created (with a stable id) on first sight. */
  user(who: string | ForgeUser): UserRecord {
    const u = typeof who === 'string' ? { login: who } : who;
    const key = u.login.toLowerCase();
    const known = this.state.users[key];
    if (known && (u.id === undefined || u.id === known.id) && (u.type === undefined || u.type === known.type)) return known;
    const record: UserRecord = { login: u.login, id: u.id ?? known?.id ?? this.nextId(), type: u.type ?? known?.type ?? 'User' };
    this.state.users[key] = record;
    this.save();
    return record;
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.state.repos[repoKey(owner, name)];
  }

  addRepo(repo: Omit<RepoRecord, 'id' | 'createdAt' | 'updatedAt' | 'pushedAt' | 'nextNumber' | 'issues' | 'comments'>): RepoRecord {
    const now = timestamp();
    const record: RepoRecord = { ...repo, id: this.nextId(), createdAt: now, updatedAt: now, pushedAt: now, nextNumber: 1, issues: [], comments: [] };
    this.state.repos[repoKey(repo.owner, repo.name)] = record;
    this.save();
    return record;
  }

  /** Persists the whole state (call after mutating records in place). */
  save(): void {
    const tmp = `${this.file}.${process.pid}.${++this.writes}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(this.state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  /** Runs `fn` after every earlier `withLock` call of the same key has settled. */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

function load(file: string): ForgeState {
  const state = JSON.parse(readFileSync(file, 'utf8')) as ForgeState;
  if (state.version !== 1) throw new Error(`Unknown local forge state version ${String(state.version)} in ${file}`);
  return state;
}
