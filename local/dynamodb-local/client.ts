/**
 * The one place that builds AWS SDK clients for a local DynamoDB endpoint. DynamoDB Local ignores
 * signatures but still needs credentials and a region to sign with; fixed values keep every
 * client on the same tables even if an instance runs without `-sharedDb` (which keys its data by
 * access key and region).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Client settings for a local endpoint: a few retries, a quick connect timeout (a dead endpoint fails fast) and a request timeout that throws (a stuck one cannot hang a caller). */
export function localClientConfig(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
  } satisfies DynamoDBClientConfig;
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient(localClientConfig(endpoint));
}

/** DynamoDB Local serves the Streams API on the same endpoint. */
export function localDynamoStreamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(localClientConfig(endpoint));
}
