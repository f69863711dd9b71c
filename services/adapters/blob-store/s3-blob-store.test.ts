/**
 * The S3 blob store with the real @aws-sdk/client-s3 against a local S3-compatible server
 * (s3rver): references, round trips, encryption headers on the wire, idempotent puts, clear errors.
 */
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startLocalS3, useLocalS3 } from '../../../test/support/local-s3';
import { BlobKeyError } from './blob-key';
import { S3BlobStore } from './s3-blob-store';
import { BlobNotFoundError, BlobReadError } from '../s3/s3-objects';

const BUCKET = 'abca-blobs';
const s3 = useLocalS3(BUCKET);
beforeEach(() => {
  s3.requests.length = 0;
});

const store = (options: { prefix?: string; kmsKeyId?: string } = {}) => new S3BlobStore({ client: s3.client, bucket: BUCKET, prefix: 'abca/', ...options });
const puts = () => s3.requests.filter((r) => r.method === 'PUT');

test('put returns s3://<bucket>/<prefix><key>, which get reads back (text and bytes); the content type is kept', async () => {
  const blobs = store();
  const ref = await blobs.put('prompts/t-1/0123456789ab.md', '# prompt', 'text/markdown; charset=utf-8');
  expect(ref).toBe(`s3://${BUCKET}/abca/prompts/t-1/0123456789ab.md`);
  expect((await blobs.get(ref)).toString()).toBe('# prompt');
  const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'abca/prompts/t-1/0123456789ab.md' }));
  expect(head.ContentType).toBe('text/markdown; charset=utf-8');

  const bytes = await blobs.put('traces/t-1/trace.bin', new Uint8Array([0, 1, 2, 255]));
  expect([...(await blobs.get(bytes))]).toEqual([0, 1, 2, 255]);
  expect(puts().map((r) => r.url.split('?')[0])).toEqual([`/${BUCKET}/abca/prompts/t-1/0123456789ab.md`, `/${BUCKET}/abca/traces/t-1/trace.bin`]);
});

test('refOf names the reference a key has without writing it; no prefix means the key alone', async () => {
  expect(store().refOf('nudges/t-1')).toBe(`s3://${BUCKET}/abca/nudges/t-1`);
  expect(store({ prefix: '' }).refOf('nudges/t-1')).toBe(`s3://${BUCKET}/nudges/t-1`);
  expect(s3.requests).toEqual([]);
});

test('asks for SSE-S3 (AES256) by default', async () => {
  await store().put('a/plain.txt', 'x');
  const [put] = puts();
  expect(put!.headers['x-amz-server-side-encryption']).toBe('AES256');
  expect(put!.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBeUndefined();
});

test('asks for SSE-KMS with the configured key, and an S3 Bucket Key', async () => {
  await store({ kmsKeyId: 'alias/abca-blobs' }).put('a/secret.txt', 'x');
  const [put] = puts();
  expect(put!.headers['x-amz-server-side-encryption']).toBe('aws:kms');
  expect(put!.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/abca-blobs');
  expect(put!.headers['x-amz-server-side-encryption-bucket-key-enabled']).toBe('true');
});

test('a repeated put of the same key and bytes returns the same reference and leaves one identical object', async () => {
  const blobs = store();
  const body = JSON.stringify({ nudgeId: 'n-1', message: 'use pnpm', at: '2025-01-01T00:00:00.000Z' });
  const first = await blobs.put('nudges/t-2/0000000003-01JA.json', body, 'application/json');
  const second = await blobs.put('nudges/t-2/0000000003-01JA.json', body, 'application/json');
  expect(second).toBe(first);
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'abca/nudges/t-2/' }));
  expect(listed.Contents?.map((o) => o.Key)).toEqual(['abca/nudges/t-2/0000000003-01JA.json']);
  expect((await blobs.get(first)).toString()).toBe(body);
});

test('a missing object fails with BlobNotFoundError naming the reference', async () => {
  const ref = `s3://${BUCKET}/abca/prompts/t-404/missing.md`;
  const err = await store().get(ref).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BlobNotFoundError);
  expect((err as Error).message).toBe(`blob ${ref} does not exist (NoSuchKey)`);
});

test('other S3 errors name the reference too (here: nothing listens any more)', async () => {
  const dead = await startLocalS3([BUCKET]);
  const deadClient = dead.client();
  await dead.close();
  try {
    const ref = `s3://${BUCKET}/abca/prompts/t-1/p.md`;
    const err = await new S3BlobStore({ client: deadClient, bucket: BUCKET, prefix: 'abca/' }).get(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobReadError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot read ${ref.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*ECONNREFUSED`));
  } finally {
    deadClient.destroy();
  }
});

test.each(['../escape.md', 'a//b', '/etc/passwd', 'a\\b', ''])('refuses the key %j before calling S3', async (key) => {
  await expect(store().put(key, 'x')).rejects.toBeInstanceOf(BlobKeyError);
  expect(s3.requests).toEqual([]);
});

test('refuses references to another bucket, outside the prefix, or not s3://', async () => {
  const blobs = store();
  await expect(blobs.get('s3://other-bucket/abca/p.md')).rejects.toThrow(/outside this blob store \(s3:\/\/abca-blobs\/abca\/\)/);
  await expect(blobs.get(`s3://${BUCKET}/elsewhere/p.md`)).rejects.toBeInstanceOf(BlobKeyError);
  await expect(blobs.get(`s3://${BUCKET}/abca/../p.md`)).rejects.toBeInstanceOf(BlobKeyError);
  await expect(blobs.get('file:///tmp/p.md')).rejects.toBeInstanceOf(BlobKeyError);
  expect(s3.requests).toEqual([]);
  expect(() => new S3BlobStore({ client: s3.client, bucket: 'Not_A_Bucket' })).toThrow(BlobKeyError);
});
