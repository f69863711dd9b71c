/**
 * BlobStore on Amazon S3 (the cloud side of the claim check): `put('prompts/t-1/abc.md', ...)`
 * writes the object `<prefix>prompts/t-1/abc.md` in the bucket and returns
 * `s3://<bucket>/<prefix>prompts/t-1/abc.md`, which `get` (here) or the agent (GetObject with its
 * own role) reads back.
 *
 * - Keys follow the same rules as the local store (blob-key.ts), so a key means the same blob on
 *   one machine and in AWS. `get` refuses references to another bucket or outside the prefix
 *   (BlobKeyError), as the local store refuses files outside its folder.
 * - Encryption at rest is asked for on every put, not left to the bucket's default: SSE-KMS with
 *   `kmsKeyId` when one is configured (with an S3 Bucket Key, which cuts the KMS requests — and
 *   their cost — of many small objects), else SSE-S3 (AES256). A bucket policy that denies
 *   unencrypted puts then never refuses ours.
 * - `put` is idempotent: the key and the bytes come from the caller (prompt version hash, nudge
 *   event id...), and PutObject replaces the object whole, so a retried put leaves the same object
 *   and returns the same reference. (On a versioned bucket a retry adds an identical version.)
 * - A missing object fails with BlobNotFoundError naming the reference; other S3 errors with
 *   BlobReadError (s3/s3-objects.ts), after the SDK's own retries.
 */
import { PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { BlobStore } from '../../ports/blob-store';
import { BlobKeyError, blobKeySegments } from './blob-key';
import { getObjectBytes, type S3Sender } from '../s3/s3-objects';
import { assertBucketName, parseS3Ref, s3BlobRefOf, s3RefOf } from '../s3/s3-ref';

export interface S3BlobStoreOptions {
  /** An S3 client (s3/s3-client.ts builds one). */
  readonly client: S3Sender;
  readonly bucket: string;
  /** Put before every key, as is (usually ending in `/`, e.g. `abca/`); default none. */
  readonly prefix?: string;
  /** A KMS key id, ARN or alias: SSE-KMS with that key. Without it, SSE-S3 (AES256). */
  readonly kmsKeyId?: string;
}

export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Sender;
  private readonly encryption: Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId' | 'BucketKeyEnabled'>;

  constructor(options: S3BlobStoreOptions) {
    assertBucketName(options.bucket);
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    if (this.prefix.startsWith('/')) throw new BlobKeyError(`the S3 key prefix ${JSON.stringify(this.prefix)} must not start with "/"`);
    this.encryption = options.kmsKeyId
      ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyId, BucketKeyEnabled: true }
      : { ServerSideEncryption: 'AES256' };
  }

  async put(key: string, body: string | Uint8Array, contentType?: string): Promise<string> {
    const objectKey = this.objectKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: objectKey,
        Body: body,
        ...(contentType ? { ContentType: contentType } : {}),
        ...this.encryption,
      }),
    );
    return s3RefOf(this.bucket, objectKey);
  }

  refOf(key: string): string {
    return s3BlobRefOf(this.bucket, this.prefix, key);
  }

  async get(ref: string): Promise<Buffer> {
    const { bucket, key } = parseS3Ref(ref);
    if (bucket !== this.bucket || !key.startsWith(this.prefix)) {
      throw new BlobKeyError(`blob reference ${JSON.stringify(ref)} is outside this blob store (s3://${this.bucket}/${this.prefix})`);
    }
    blobKeySegments(key.slice(this.prefix.length));
    return getObjectBytes(this.client, ref);
  }

  private objectKey(key: string): string {
    blobKeySegments(key);
    return `${this.prefix}${key}`;
  }
}
