import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureEmulator, sha512Integrity } from './emulator';

describe('ensureEmulator with ABCA_DYNAMODB_LOCAL_DIR', () => {
  const saved = process.env.ABCA_DYNAMODB_LOCAL_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.ABCA_DYNAMODB_LOCAL_DIR;
    else process.env.ABCA_DYNAMODB_LOCAL_DIR = saved;
  });

  it('uses the folder as-is when it holds the jar', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'abca-ddbl-'));
    writeFileSync(path.join(dir, 'DynamoDBLocal.jar'), '');
    process.env.ABCA_DYNAMODB_LOCAL_DIR = dir;
    await expect(ensureEmulator()).resolves.toBe(dir);
  });

  it('fails clearly when the jar is missing', async () => {
    process.env.ABCA_DYNAMODB_LOCAL_DIR = mkdtempSync(path.join(tmpdir(), 'abca-ddbl-'));
    await expect(ensureEmulator()).rejects.toThrow(/does not contain DynamoDBLocal\.jar/);
  });
});

test('sha512Integrity gives the SRI form npm uses', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'abca-sri-')), 'x');
  writeFileSync(file, 'abc');
  // sha512("abc"), base64: the FIPS 180-2 test vector.
  await expect(sha512Integrity(file)).resolves.toBe(
    'sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==',
  );
});
