/**
 * The Bedrock Runtime client of the guardrail screen. The SDK's default handler for this client is
 * HTTP/2 (for its bidirectional streaming operations); ApplyGuardrail is a plain request/response
 * call, so it gets an HTTP/1.1 handler, which Bedrock serves too and so does any local endpoint
 * that speaks the REST API (the tests' recording server), with a quick connect timeout and a
 * request timeout that throws: a stuck call fails the screen (closed) instead of hanging hydration.
 * Region and credentials come from the default chain unless given; the endpoint from
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME (read by the SDK) unless given.
 */
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface BedrockRuntimeClientSettings {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: BedrockRuntimeClientConfig['credentials'];
  /** SDK attempts per call (default 3: throttling and 5xx answers are retried with backoff). */
  readonly maxAttempts?: number;
}

export function bedrockRuntimeClient(settings: BedrockRuntimeClientSettings = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: settings.maxAttempts ?? 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true }),
  });
}
