import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliConfigDir, writeCliConfig } from './cli-config';
import { ensureTraversable, writeFileAtomic } from './files';

const modeOf = (p: string) => statSync(p).mode & 0o777;
let tmp: string;
beforeEach(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'abca-start-cfg-'))));
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('the CLI config written by npm start', () => {
  test('BGAGENT_CONFIG_DIR, else ~/.bgagent', () => {
    expect(cliConfigDir({ BGAGENT_CONFIG_DIR: 'rel/dir' })).toBe(path.resolve('rel/dir'));
    expect(cliConfigDir({ HOME: '/home/ada' })).toBe('/home/ada/.bgagent');
  });

  test('a new folder is 0700 and the file 0600, with api_url and api_key', () => {
    const dir = path.join(tmp, 'nested', 'cfg');
    const written = writeCliConfig({ BGAGENT_CONFIG_DIR: dir }, { api_url: 'http://127.0.0.1:8080', api_key: 'bgak_1_s' });
    expect(written).toEqual({ file: path.join(dir, 'config.json'), replacedApiUrl: null });
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(written.file)).toBe(0o600);
    expect(JSON.parse(readFileSync(written.file, 'utf8'))).toEqual({ api_url: 'http://127.0.0.1:8080', api_key: 'bgak_1_s' });
  });

  test('the default ~/.bgagent is tightened to 0700; other fields are kept; a changed URL is reported', () => {
    const dir = path.join(tmp, '.bgagent');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ api_url: 'https://api.example', api_key: 'old', extra: 1 }), { mode: 0o644 });
    const written = writeCliConfig({ HOME: tmp }, { api_url: 'http://127.0.0.1:9000', api_key: 'bgak_2_s' });
    expect(written.replacedApiUrl).toBe('https://api.example');
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(written.file)).toBe(0o600);
    expect(JSON.parse(readFileSync(written.file, 'utf8'))).toEqual({ api_url: 'http://127.0.0.1:9000', api_key: 'bgak_2_s', extra: 1 });
    expect(writeCliConfig({ HOME: tmp }, { api_url: 'http://127.0.0.1:9000', api_key: 'bgak_2_s' }).replacedApiUrl).toBeNull();
  });

  test('a folder named by BGAGENT_CONFIG_DIR keeps its mode; an unreadable file is replaced', () => {
    const dir = path.join(tmp, 'shared');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(path.join(dir, 'config.json'), 'not json');
    const written = writeCliConfig({ BGAGENT_CONFIG_DIR: dir }, { api_url: 'http://127.0.0.1:1', api_key: 'k' });
    expect(modeOf(dir)).toBe(0o755);
    expect(modeOf(written.file)).toBe(0o600);
    expect(JSON.parse(readFileSync(written.file, 'utf8'))).toEqual({ api_url: 'http://127.0.0.1:1', api_key: 'k' });
  });
});

describe('file helpers', () => {
  test('writeFileAtomic sets the exact mode, replaces the content and leaves no temp file', () => {
    const file = path.join(tmp, 'secret');
    writeFileAtomic(file, 'one', 0o600);
    writeFileAtomic(file, 'two', 0o640);
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(modeOf(file)).toBe(0o640);
    expect(require('node:fs').readdirSync(tmp)).toEqual(['secret']);
  });

  test('ensureTraversable creates 0755, and only adds the search bits to an existing folder', () => {
    const fresh = path.join(tmp, 'a', 'b');
    ensureTraversable(fresh);
    expect(modeOf(fresh)).toBe(0o755);
    const closed = path.join(tmp, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    ensureTraversable(closed);
    expect(modeOf(closed)).toBe(0o711);
  });
});
