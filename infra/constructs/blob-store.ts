/**
 * The blob store (claim check): prompts, trajectories and nudge inboxes (services/adapters/
 * s3-blob-store.ts writes it, the agent reads it with its own role).
 *
 * Safe defaults: every public access blocked, TLS only (enforceSSL), versioning (an overwritten or
 * deleted prompt can be recovered), server access logs to a log bucket, RETAIN. Lifecycle: nudge
 * inboxes expire after 30 days and prompts after 180 (a task is long finished by then; its events
 * keep the prompt's version hash), older versions after 30 days, abandoned uploads after 7.
 *
 * Encryption: SSE-S3 (AES-256, S3-managed keys), which the blob store also asks for on every put.
 * SSE-KMS would make every reader, the agent's session role included, need kms:Decrypt on the key;
 * SSE-S3 keeps the agent's policy to exactly s3:GetObject on the prefixes it reads.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/** Key prefixes of the blob store (services/tasks/hydration, services/tasks/nudge-delivery/inbox.ts). */
export const BLOB_PREFIXES = { prompts: 'prompts/', nudges: 'nudges/' } as const;

export class BlobStore extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const safe = { encryption: s3.BucketEncryption.S3_MANAGED, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN } as const;
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...safe,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    acknowledge(this.accessLogs, 'AwsSolutions-S1', 'This is the access-log bucket itself: logging it into itself would log its own log deliveries without end.');
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...safe,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'blobs/',
      lifecycleRules: [
        { prefix: BLOB_PREFIXES.nudges, expiration: Duration.days(30) },
        { prefix: BLOB_PREFIXES.prompts, expiration: Duration.days(180) },
        { noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }

  /** The ARN pattern of the objects under a prefix. */
  objectsArn(prefix: string = ''): string {
    return this.bucket.arnForObjects(`${prefix}*`);
  }
}
