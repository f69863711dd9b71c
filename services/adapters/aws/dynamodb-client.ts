/**
 * The one place that builds DynamoDB (and DynamoDB Streams) clients for an explicit endpoint:
 * DynamoDB Local under the embedded platform and the tests, and the operator CLIs (rebuild:views,
 * republish) pointed at one. Such endpoints ignore signatures; the fixed region and credentials
 * (./local-endpoint.ts) keep every client on the same tables. Against AWS itself, build a plain
 * `new DynamoDBClient({})` (default credential chain and region) instead.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-endpoint';

export { LOCAL_CREDENTIALS, LOCAL_REGION };

/**
 * Client settings for a local endpoint: a few retries, a connect timeout and a request timeout that
 * throws (a stuck endpoint cannot hang a caller). A dead local endpoint refuses the connection at once,
 * so the connect timeout only bounds a connect that neither completes nor fails — and on a loaded
 * machine a process may not run for seconds, after which its timer phase fires the timeout before it
 * sees the connect that completed meanwhile: 2 s failed 200 concurrent submissions beside other work.
 */
export function localClientConfig(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
  } satisfies DynamoDBClientConfig;
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient(localClientConfig(endpoint));
}

/** DynamoDB Local serves the Streams API on the same endpoint. */
export function localDynamoStreamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(localClientConfig(endpoint));
}
