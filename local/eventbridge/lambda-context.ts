/** A Lambda `Context` for handlers the local EventBridge invokes in-process. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { functionArn, type Scope } from './arns';

export function lambdaContext(scope: Scope, functionName: string, timeoutMs = 900_000): Context {
  const deadline = Date.now() + timeoutMs;
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(scope, functionName),
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}
