/** The local secret store: one 0600 file per secret in a 0700 folder, atomic replace, no path tricks. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretNameError } from '../../ports/secret-store';
import { FileSecretStore } from './file-secret-store';

let dir: string;
let secrets: FileSecretStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'abca-secrets-test-'));
  secrets = new FileSecretStore(path.join(dir, 'secrets'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (file: string) => statSync(file).mode & 0o777;

test('put / get / delete round trip; files 0600 in a 0700 folder; a put replaces; delete is idempotent', async () => {
  expect(await secrets.get('webhook-1')).toBeUndefined();
  await secrets.put('webhook-1', 'a'.repeat(64));
  expect(await secrets.get('webhook-1')).toBe('a'.repeat(64));
  expect(mode(path.join(dir, 'secrets'))).toBe(0o700);
  expect(mode(path.join(dir, 'secrets', 'webhook-1'))).toBe(0o600);
  await secrets.put('webhook-1', 'b'.repeat(64));
  expect(await secrets.get('webhook-1')).toBe('b'.repeat(64));
  expect(mode(path.join(dir, 'secrets', 'webhook-1'))).toBe(0o600);
  expect(readdirSync(path.join(dir, 'secrets'))).toEqual(['webhook-1']); // no temporary file left
  await secrets.delete('webhook-1');
  expect(await secrets.get('webhook-1')).toBeUndefined();
  await expect(secrets.delete('webhook-1')).resolves.toBeUndefined();
});

test('an existing folder with wider permissions is tightened to 0700; the umask cannot widen files', async () => {
  mkdirSync(path.join(dir, 'secrets'), { mode: 0o755 });
  const old = process.umask(0o000);
  try {
    await secrets.put('s1', 'v');
  } finally {
    process.umask(old);
  }
  expect(mode(path.join(dir, 'secrets'))).toBe(0o700);
  expect(mode(path.join(dir, 'secrets', 's1'))).toBe(0o600);
});

test('concurrent puts of one name leave one whole value and no temporary file', async () => {
  const values = Array.from({ length: 20 }, (_, i) => String(i).repeat(1000));
  await Promise.all(values.map((v) => secrets.put('busy', v)));
  expect(values).toContain(await secrets.get('busy'));
  expect(readdirSync(path.join(dir, 'secrets'))).toEqual(['busy']);
});

test.each(['../escape', 'a/b', '/etc/passwd', '.hidden', '..', '.', '', 'a\0b', 'a\\b', 'x'.repeat(129), 'sp ace'])('refuses the name %j', async (name) => {
  await expect(secrets.put(name, 'v')).rejects.toBeInstanceOf(SecretNameError);
  await expect(secrets.get(name)).rejects.toBeInstanceOf(SecretNameError);
  await expect(secrets.delete(name)).rejects.toBeInstanceOf(SecretNameError);
});

test('refuses empty and oversized values', async () => {
  await expect(secrets.put('s', '')).rejects.toThrow(RangeError);
  await expect(secrets.put('s', 'x'.repeat(64 * 1024 + 1))).rejects.toThrow(RangeError);
});

test('does not read through a symbolic link', async () => {
  await secrets.put('real', 'v');
  writeFileSync(path.join(dir, 'outside'), 'not a secret of ours');
  symlinkSync(path.join(dir, 'outside'), path.join(dir, 'secrets', 'link'));
  await expect(secrets.get('link')).rejects.toMatchObject({ code: 'ELOOP' });
});
