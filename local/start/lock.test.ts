import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireStartLock, AlreadyRunningError } from './lock';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'abca-start-lock-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('one npm start per data directory', () => {
  test('takes the lock, releases it; a stale pid file is taken over', () => {
    const lock = acquireStartLock(dir);
    expect(readFileSync(path.join(dir, 'start.pid'), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(path.join(dir, 'start.pid'))).toBe(false);
    writeFileSync(path.join(dir, 'start.pid'), '999999999\n'); // no such process
    acquireStartLock(dir).release();
  });

  test('a live npm start holding it is refused clearly; a live pid of something else is not', () => {
    // A process whose command line names local/start/main (as npm start's does).
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)', path.join('local', 'start', 'main.ts')], { stdio: 'ignore' });
    try {
      writeFileSync(path.join(dir, 'start.pid'), `${child.pid}\n`);
      expect(() => acquireStartLock(dir)).toThrow(AlreadyRunningError);
      expect(() => acquireStartLock(dir)).toThrow(new RegExp(`already running on .* \\(pid ${child.pid}\\)`));
    } finally {
      child.kill('SIGKILL');
    }
    writeFileSync(path.join(dir, 'start.pid'), `${process.ppid}\n`); // alive, but not npm start
    acquireStartLock(dir).release();
  });
});
