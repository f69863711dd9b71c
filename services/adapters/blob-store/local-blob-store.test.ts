/** The local blob store: put/get round trip through file:// references; nothing outside its folder. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BlobKeyError, LocalBlobStore } from './local-blob-store';

let dir: string;
let blobs: LocalBlobStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'abca-blob-test-'));
  blobs = new LocalBlobStore(path.join(dir, 'blobs'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('put returns a file:// reference that get reads back (text and bytes); a put replaces', async () => {
  const ref = await blobs.put('prompts/t-1/0123456789ab.md', '# prompt', 'text/markdown');
  expect(ref).toBe(pathToFileURL(path.join(dir, 'blobs', 'prompts', 't-1', '0123456789ab.md')).href);
  expect((await blobs.get(ref)).toString()).toBe('# prompt');
  await blobs.put('prompts/t-1/0123456789ab.md', new Uint8Array([1, 2, 3]));
  expect([...(await blobs.get(ref))]).toEqual([1, 2, 3]);
});

test('refOf names the reference a key has without writing it (what put will return)', async () => {
  const ref = blobs.refOf('nudges/t-1');
  expect(ref).toBe(pathToFileURL(path.join(dir, 'blobs', 'nudges', 't-1')).href);
  expect(existsSync(path.join(dir, 'blobs', 'nudges'))).toBe(false);
  expect(await blobs.put('nudges/t-1', 'x')).toBe(ref);
  expect(() => blobs.refOf('../escape')).toThrow(BlobKeyError);
});

test.each(['../escape.md', 'a/../../escape.md', '/etc/passwd', 'a//b', './a', 'a\\..\\b', 'a\0b', ''])('refuses the key %j', async (key) => {
  await expect(blobs.put(key, 'x')).rejects.toBeInstanceOf(BlobKeyError);
});

test('refuses references outside the folder, and references that are not file URLs', async () => {
  writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  await expect(blobs.get(pathToFileURL(path.join(dir, 'secret.txt')).href)).rejects.toBeInstanceOf(BlobKeyError);
  await expect(blobs.get(`${pathToFileURL(path.join(dir, 'blobs')).href}/../secret.txt`)).rejects.toBeInstanceOf(BlobKeyError);
  await expect(blobs.get('s3://bucket/key')).rejects.toBeInstanceOf(BlobKeyError);
});
