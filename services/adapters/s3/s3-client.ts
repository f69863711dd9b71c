/**
 * The one place that builds an S3 client, for the platform and the agent alike.
 *
 * - `endpoint` (a local S3-compatible server such as s3rver, or MinIO) switches on path-style
 *   addressing: `http://127.0.0.1:4569/<bucket>/<key>`. The SDK's default virtual-hosted style
 *   (`<bucket>.127.0.0.1`) does not resolve for such endpoints. Without it the SDK resolves the
 *   regional AWS endpoint (or AWS_ENDPOINT_URL_S3, which it reads on its own).
 * - Timeouts: a quick connect timeout and a request timeout that throws, so a dead or stuck
 *   endpoint fails a call instead of hanging it (the agent's nudge poller runs one call at a time).
 * - Credentials and region come from the default chain unless given (tests pass dummy ones; the
 *   local servers ignore signatures).
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3ClientSettings {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: S3ClientConfig['credentials'];
  /** SDK attempts per call (default 3: throttling and 5xx answers are retried with backoff). */
  readonly maxAttempts?: number;
}

export function s3Client(settings: S3ClientSettings = {}): S3Client {
  return new S3Client({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: settings.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
  });
}
