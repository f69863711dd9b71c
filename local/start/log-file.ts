/**
 * Keeps the console readable: everything the process writes to stdout and stderr — the services'
 * structured logs (Powertools writes JSON lines to process.stdout/stderr through its own Console),
 * AWS SDK and Node warnings, stray console.log calls — goes to `<data-dir>/logs/platform.log`
 * instead, as JSON lines (a line that is not JSON already is wrapped as
 * `{"level","message","service":"process","stream","timestamp"}`). `npm start` itself talks to the
 * terminal through `terminal`, which writes to the real stdout/stderr.
 *
 * Why patch process.stdout.write rather than configure each Logger: the Powertools Logger (2.x)
 * has no output option, loggers are created in many modules (some at import time), and libraries
 * print on their own; redirecting the process's two streams catches all of them in one place.
 * Writes are synchronous (fs.writeSync), so a crash loses nothing that was logged. A log over
 * 50 MB at start-up is rotated to platform.log.1.
 */
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ensureDir } from './files';

const MAX_LOG_BYTES = 50 * 1024 * 1024;

export interface Terminal {
  /** A line (or text) to the real stdout. */
  out(text: string): void;
  /** A line (or text) to the real stderr. */
  err(text: string): void;
}

export interface OutputCapture {
  readonly file: string;
  readonly terminal: Terminal;
  /** One JSON line into the log file (for npm start's own records). */
  log(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>): void;
  /** Gives stdout and stderr back and closes the file. */
  restore(): void;
}

type Write = typeof process.stdout.write;

export function logFileOf(dataDir: string): string {
  return path.join(dataDir, 'logs', 'platform.log');
}

/**
 * Turns written chunks into JSON lines; `emit` gets each complete line (with its newline). A JSON
 * line is kept as it is; the other lines of one write (a multi-line warning) become one record.
 */
export function jsonLineSplitter(stream: 'stdout' | 'stderr', emit: (line: string) => void, now: () => Date = () => new Date()) {
  let pending = '';
  const wrap = (text: string) => {
    const message = text.trim();
    if (message === '') return;
    emit(`${JSON.stringify({ level: stream === 'stderr' ? 'WARN' : 'INFO', message, service: 'process', stream, timestamp: now().toISOString() })}\n`);
  };
  const lines = (complete: string) => {
    let block: string[] = [];
    for (const raw of complete.split('\n')) {
      const line = raw.trimEnd();
      if (line.startsWith('{') && line.endsWith('}')) {
        wrap(block.join('\n'));
        block = [];
        emit(`${line}\n`);
      } else {
        block.push(line);
      }
    }
    wrap(block.join('\n'));
  };
  return {
    write(chunk: string) {
      pending += chunk;
      const cut = pending.lastIndexOf('\n');
      if (cut >= 0) {
        const complete = pending.slice(0, cut);
        pending = pending.slice(cut + 1);
        lines(complete);
      }
      // A runaway line without a newline is not kept forever.
      if (pending.length > 1_000_000) {
        wrap(pending);
        pending = '';
      }
    },
    flush() {
      if (pending) lines(pending);
      pending = '';
    },
  };
}

export function captureOutput(file: string): OutputCapture {
  ensureDir(path.dirname(file), 0o700);
  if (existsSync(file) && statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
  const fd = openSync(file, 'a', 0o600);
  let open = true;
  const append = (line: string) => {
    if (!open) return;
    try {
      writeSync(fd, line);
    } catch {
      // A full disk must not take the platform down with it.
    }
  };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const realOut = originals.stdout.bind(process.stdout) as (s: string) => boolean;
  const realErr = originals.stderr.bind(process.stderr) as (s: string) => boolean;

  const splitters: Array<ReturnType<typeof jsonLineSplitter>> = [];
  const patch = (stream: 'stdout' | 'stderr'): Write => {
    const splitter = jsonLineSplitter(stream, append);
    splitters.push(splitter);
    return ((chunk: unknown, encodingOrCb?: unknown, cb?: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
      splitter.write(text);
      const callback = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
      if (typeof callback === 'function') process.nextTick(callback as () => void);
      return true;
    }) as Write;
  };
  process.stdout.write = patch('stdout');
  process.stderr.write = patch('stderr');

  return {
    file,
    terminal: { out: (text) => void realOut(text), err: (text) => void realErr(text) },
    log(level, message, fields) {
      append(`${JSON.stringify({ level, message, service: 'npm-start', timestamp: new Date().toISOString(), ...fields })}\n`);
    },
    restore() {
      if (!open) return;
      for (const s of splitters) s.flush();
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
      open = false;
      closeSync(fd);
    },
  };
}
