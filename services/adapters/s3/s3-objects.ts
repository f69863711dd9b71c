/**
 * The S3 object reads shared by the platform's S3 BlobStore and the agent (which reads the prompt,
 * the trajectory and the nudge inbox by reference, without a BlobStore of its own). Errors name
 * the reference, so "which blob?" is answered by the message itself.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parseS3Ref, s3RefOf, type S3Location } from './s3-ref';

/** What these helpers need of an S3 client (an S3Client, or a test wrapper around one). */
export type S3Sender = Pick<S3Client, 'send'>;

/** The referenced object does not exist (or its bucket does not). */
export class BlobNotFoundError extends Error {
  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super(`blob ${ref} does not exist (${detail})`);
    this.name = 'BlobNotFoundError';
  }
}

/** Any other failure to read a blob (access denied, network, throttling after the SDK's retries). */
export class BlobReadError extends Error {
  constructor(
    readonly ref: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot read ${ref}: ${detail}`, options);
    this.name = 'BlobReadError';
  }
}

const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound']);

/** The bytes of the object `ref` (`s3://bucket/key`). */
export async function getObjectBytes(client: S3Sender, ref: string): Promise<Buffer> {
  const { bucket, key } = parseS3Ref(ref);
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new Error('GetObject returned no body');
    return Buffer.from(await out.Body.transformToByteArray());
  } catch (err) {
    const { name, message } = errorParts(err);
    if (NOT_FOUND.has(name)) throw new BlobNotFoundError(ref, name);
    throw new BlobReadError(ref, `${name}: ${message}`, { cause: err });
  }
}

/** Every key under `location.key` (a prefix), in S3's order (UTF-8 binary, i.e. name order), all pages. */
export async function listKeys(client: S3Sender, location: S3Location, pageSize?: number): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await client.send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key, ContinuationToken: token, ...(pageSize ? { MaxKeys: pageSize } : {}) }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    const { name, message } = errorParts(err);
    throw new BlobReadError(s3RefOf(location.bucket, location.key), `cannot list (${name}: ${message})`, { cause: err });
  }
  return keys;
}

function errorParts(err: unknown): { name: string; message: string } {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  let name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : 'Error';
  // A 404 whose error code the SDK could not read (no XML body) is a missing object all the same.
  if (e.$metadata?.httpStatusCode === 404 && !NOT_FOUND.has(name)) name = 'NotFound';
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  return { name, message };
}
