/**
 * BlobReader over S3 for the agent: GetObject of an `s3://bucket/key` reference (the prompt, the
 * replay trajectory) with the sandbox's own credentials. A missing object fails with
 * BlobNotFoundError naming the reference (services/adapters/s3/s3-objects.ts, shared with the
 * platform's S3 BlobStore).
 */
import { getObjectBytes, type S3Sender } from '../../services/adapters/s3/s3-objects';
import type { BlobReader } from '../ports';

export class S3BlobReader implements BlobReader {
  constructor(private readonly client: S3Sender) {}

  get(ref: string): Promise<Buffer> {
    return getObjectBytes(this.client, ref);
  }
}
