/** Cloud factory of the blob store (S3, ABCA_BLOB_BUCKET). */
import { S3BlobStore } from '../../adapters/blob-store/s3-blob-store';
import { s3Client } from '../../adapters/s3/s3-client';
import type { CloudPortFactory } from '../cloud-ports';
import { traced } from '../instrument';

export const cloudBlobs: CloudPortFactory<'blobs'> = (ctx) => {
  const { blobBucket } = ctx.read(['blobBucket']);
  return new S3BlobStore({ client: traced(s3Client(ctx.env.AWS_REGION ? { region: ctx.env.AWS_REGION } : {})), bucket: blobBucket });
};

