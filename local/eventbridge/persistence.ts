/**
 * Files on disk: a JSON document replaced atomically (temp file, fsync, rename, fsync of the
 * directory), and an append-only JSON-lines journal whose appends are grouped: the lines appended
 * in one turn of the event loop, or while a write is under way, go out in one write with one fsync.
 */
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import path from 'node:path';

async function fsyncDir(dir: string): Promise<void> {
  // Makes a rename durable. Some file systems refuse fsync on a directory: nothing more to do there.
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    /* best effort */
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to `file` so that a crash leaves either the old or the new content. */
async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
  await fsyncDir(dir);
}

/** Parsed JSON of `file`, or undefined when it does not exist. */
function readJsonIfExists<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

/**
 * The JSON lines of a journal. A torn last line (a crash in the middle of a write) is skipped:
 * its append never returned, so nobody was told it was stored.
 */
export function readJsonLines<T>(file: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      /* torn write */
    }
  }
  return out;
}

/** Serializes async writes of one document: the last state requested is the one that lands. */
export class JsonDocument<T> {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  read(): T | undefined {
    return readJsonIfExists<T>(this.file);
  }

  save(value: T): Promise<void> {
    const text = JSON.stringify(value, null, 1);
    const next = this.chain.then(() => writeFileAtomic(this.file, text));
    this.chain = next.catch(() => undefined);
    return next;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}

/** An append-only JSON-lines file with grouped fsync. */
export class AppendLog {
  private handle: fsp.FileHandle | undefined;
  private pending: { line: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(readonly file: string) {}

  /** Replaces the whole file (atomically) with these records; used to compact on start. */
  async rewrite(records: readonly unknown[]): Promise<void> {
    if (this.handle) throw new Error('AppendLog.rewrite must run before the first append');
    await writeFileAtomic(this.file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Resolves once the records are on disk (fsync'd). */
  append(records: readonly unknown[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.file} is closed`));
    if (records.length === 0) return Promise.resolve();
    const line = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    const done = new Promise<void>((resolve, reject) => this.pending.push({ line, resolve, reject }));
    // The first append of a burst waits one turn of the event loop, so every append made in the
    // same turn (all the messages of one PutEvents call) shares one write and one fsync.
    if (!this.writing) this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
    return done;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length) {
        const group = this.pending;
        this.pending = [];
        try {
          if (!this.handle) {
            await fsp.mkdir(path.dirname(this.file), { recursive: true });
            this.handle = await fsp.open(this.file, 'a');
          }
          await this.handle.write(group.map((g) => g.line).join(''));
          await this.handle.datasync();
          for (const g of group) g.resolve();
        } catch (err) {
          for (const g of group) g.reject(err as Error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.writing) await this.writing;
    await this.handle?.close();
    this.handle = undefined;
  }
}
