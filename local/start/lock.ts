/**
 * One `npm start` per data directory: two would share DynamoDB Local's files, kinesalite's
 * LevelDB and the queues' journals. `<data-dir>/start.pid` holds the running process's pid; a file
 * left by a process that is gone (a crash, SIGKILL) is taken over.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './endpoints';
import { readIfExists, removeIfExists } from './files';

export class AlreadyRunningError extends Error {
  constructor(readonly pid: number, dataDir: string) {
    super(`npm start is already running on ${dataDir} (pid ${pid}). Stop it first (Ctrl-C in its terminal, or kill ${pid}), or use another --data-dir.`);
    this.name = 'AlreadyRunningError';
  }
}

export interface StartLock {
  release(): void;
}

/** Whether `pid` is a live `npm start` (on Linux its command line names local/start/main). */
function isLiveStart(pid: number): boolean {
  if (pid === process.pid || !isProcessAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true; // no /proc: trust the pid
  try {
    return readFileSync(cmdline, 'utf8').includes(path.join('start', 'main'));
  } catch {
    return true;
  }
}

export function acquireStartLock(dataDir: string): StartLock {
  const file = path.join(dataDir, 'start.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        release() {
          if (readIfExists(file)?.trim() === String(process.pid)) removeIfExists(file);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readIfExists(file)?.trim());
      if (isLiveStart(pid)) throw new AlreadyRunningError(pid, dataDir);
      if (attempt >= 2) throw new Error(`cannot take ${file}: another start keeps creating it`);
      removeIfExists(file); // stale: its process is gone
    }
  }
}
