/**
 * The one place that builds a Kinesis client for an explicit endpoint (kinesalite on one machine):
 * the agent's telemetry publisher, the embedded platform and the tests. Product code, kept out of
 * local/ (the agent image copies it: agent/image/Dockerfile); local/kinesis/kinesalite.ts re-exports it.
 *
 * kinesalite speaks HTTP/1.1 only: the current @aws-sdk/client-kinesis negotiates HTTP/2 by default
 * and fails against it (ERR_HTTP2_ERROR), so the client gets a plain NodeHttpHandler. kinesalite
 * ignores signatures but the SDK still signs: fixed dummy credentials and region.
 */
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-endpoint';

export interface LocalKinesisClientOptions {
  /** SDK attempts per call (default 3); callers with their own retry loop may want 1. */
  readonly maxAttempts?: number;
  readonly region?: string;
}

/** A Kinesis client on a local endpoint (`http://127.0.0.1:4567`). `destroy()` it when done. */
export function kinesisClient(endpoint: string, options: LocalKinesisClientOptions = {}): KinesisClient {
  const config: KinesisClientConfig = {
    endpoint,
    region: options.region ?? LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 30_000, throwOnRequestTimeout: true }),
  };
  return new KinesisClient(config);
}
