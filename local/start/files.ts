/**
 * Small file helpers for `npm start`: atomic writes with an exact mode (whatever the umask), and
 * folders with an exact mode.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** Creates `dir` (and its parents) when missing; sets its mode exactly when `mode` is given. */
export function ensureDir(dir: string, mode?: number): string {
  mkdirSync(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  if (mode !== undefined) chmodSync(dir, mode);
  return dir;
}

/**
 * Creates `dir` (0755) when missing; an existing folder only gains the search bits (o+x, g+x), so
 * others (the unprivileged agent) can traverse it — its other bits stay the user's choice.
 */
export function ensureTraversable(dir: string): string {
  if (!existsSync(dir)) return ensureDir(dir, 0o755);
  const mode = statSync(dir).mode & 0o7777;
  if ((mode & 0o011) !== 0o011) chmodSync(dir, mode | 0o011);
  return dir;
}

/**
 * Writes `content` to `file` atomically (a temp file in the same folder, flushed, renamed over it)
 * with exactly `mode`: a reader sees the old or the new content, never half of it, and a secret is
 * never readable by others, not even for a moment (the temp file is created with the mode).
 */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  closeSync(fd);
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** The file's content, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8');
}

export function removeIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
