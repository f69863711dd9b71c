/**
 * Region and credentials for AWS SDK clients pointed at an endpoint that ignores signatures
 * (DynamoDB Local, kinesalite, the local EventBridge). The SDK still signs, so it needs both;
 * fixed values keep every client on the same data (DynamoDB Local without `-sharedDb` keys its
 * data by access key and region). Kept apart from the client factories so that the agent can
 * build its Kinesis client without loading the DynamoDB SDK.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
