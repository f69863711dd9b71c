/**
 * `s3://<bucket>/<key>` references (the form the AWS CLI uses, key not URL-encoded): what the S3
 * BlobStore hands out and what the agent is given (the prompt, the replay trajectory, the nudge
 * inbox folder, whose key ends in `/`).
 */
import { BlobKeyError, blobKeySegments } from '../blob-store/blob-key';

const S3_SCHEME = 's3://';

export interface S3Location {
  readonly bucket: string;
  /** The object key, or a folder's key prefix (ending in `/`). Never empty. */
  readonly key: string;
}

/** S3 bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isS3Ref(ref: string): boolean {
  return ref.startsWith(S3_SCHEME);
}

export function s3RefOf(bucket: string, key: string): string {
  return `${S3_SCHEME}${bucket}/${key}`;
}

/**
 * The reference of blob `key` in an S3 blob store on `bucket` under `prefix` (what S3BlobStore's
 * refOf answers), without an S3 client: for code that only names blobs (a session payload's nudge
 * inbox). Throws BlobKeyError for a key that breaks the blob key rules.
 */
export function s3BlobRefOf(bucket: string, prefix: string, key: string): string {
  blobKeySegments(key);
  return s3RefOf(bucket, `${prefix}${key}`);
}

/** The bucket and key of `s3://bucket/key`; BlobKeyError for anything else. */
export function parseS3Ref(ref: string): S3Location {
  if (!isS3Ref(ref)) throw new BlobKeyError(`not an S3 reference (s3://bucket/key): ${JSON.stringify(ref)}`);
  const rest = ref.slice(S3_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket)) throw new BlobKeyError(`${JSON.stringify(ref)} does not name a valid S3 bucket`);
  if (key === '') throw new BlobKeyError(`${JSON.stringify(ref)} names no object key`);
  return { bucket, key };
}

export function assertBucketName(bucket: string): void {
  if (!BUCKET.test(bucket)) throw new BlobKeyError(`${JSON.stringify(bucket)} is not a valid S3 bucket name`);
}
