import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureOutput, jsonLineSplitter } from './log-file';

describe('service output → JSON lines', () => {
  const at = new Date('2026-01-02T03:04:05.000Z');
  const collect = (stream: 'stdout' | 'stderr') => {
    const lines: string[] = [];
    const s = jsonLineSplitter(stream, (l) => lines.push(l), () => at);
    return { s, lines, parsed: () => lines.map((l) => JSON.parse(l)) };
  };

  test('JSON lines pass through, also when split across writes', () => {
    const { s, lines } = collect('stdout');
    s.write('{"level":"INFO","message":"a"}\n{"level":"INFO",');
    s.write('"message":"b"}\n');
    expect(lines).toEqual(['{"level":"INFO","message":"a"}\n', '{"level":"INFO","message":"b"}\n']);
  });

  test('other text is wrapped, a multi-line write as one record; blank lines are dropped', () => {
    const { s, parsed } = collect('stderr');
    s.write('(node:1) Warning: something\nsecond line\n\n');
    s.write('{"ok":true}\n');
    s.write('trailing without newline');
    s.flush();
    expect(parsed()).toEqual([
      { level: 'WARN', message: '(node:1) Warning: something\nsecond line', service: 'process', stream: 'stderr', timestamp: at.toISOString() },
      { ok: true },
      { level: 'WARN', message: 'trailing without newline', service: 'process', stream: 'stderr', timestamp: at.toISOString() },
    ]);
  });

  test('captureOutput sends process.stdout/stderr to the file (0600), the terminal to the real streams', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'abca-start-log-'));
    const file = path.join(dir, 'logs', 'platform.log');
    const realWrite = process.stdout.write;
    const capture = captureOutput(file);
    try {
      process.stdout.write('{"level":"INFO","message":"from a service"}\n');
      process.stderr.write('a warning\n');
      capture.log('INFO', 'own record', { port: 1 });
    } finally {
      capture.restore();
    }
    expect(process.stdout.write).toBe(realWrite);
    const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toEqual([
      { level: 'INFO', message: 'from a service' },
      expect.objectContaining({ level: 'WARN', message: 'a warning', stream: 'stderr' }),
      expect.objectContaining({ level: 'INFO', message: 'own record', service: 'npm-start', port: 1 }),
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    rmSync(dir, { recursive: true, force: true });
  });
});
