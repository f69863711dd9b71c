/**
 * Per-user rate limit: a fixed-window counter per user and minute in DynamoDB (one atomic ADD per
 * request, items expire by TTL), shared by every API instance. Over the limit → 429
 * RATE_LIMIT_EXCEEDED with Retry-After (seconds to the next window). In AWS, API Gateway's stage
 * throttling and the WAF rate rule sit in front of it; this one is per user, which they cannot be.
 */
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../kernel/tables';
import { ApiError } from './errors';

export const RATE_LIMIT_TABLE = {
  id: 'RateLimits',
  baseName: 'rate-limits',
  partitionKey: { name: 'key', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

export interface RateLimiter {
  /** Counts one request of `userId`; throws 429 RATE_LIMIT_EXCEEDED when over the limit. */
  take(userId: string, now: Date): Promise<void>;
}

export class DynamoDbRateLimiter implements RateLimiter {
  constructor(
    private readonly options: { readonly client: DynamoDBClient; readonly tableName: string; readonly requestsPerMinute: number },
  ) {
    if (!(options.requestsPerMinute >= 1)) throw new Error('requestsPerMinute must be at least 1');
  }

  async take(userId: string, now: Date): Promise<void> {
    const window = Math.floor(now.getTime() / 60_000);
    const out = await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: { key: { S: `${userId}#${window}` } },
        UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':expires': { N: String((window + 2) * 60) } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Number(out.Attributes?.count?.N ?? '0');
    if (count > this.options.requestsPerMinute) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * 60_000 - now.getTime()) / 1000));
      throw new ApiError('RATE_LIMIT_EXCEEDED', `More than ${this.options.requestsPerMinute} requests in a minute; retry in ${retryAfter} s.`, { 'Retry-After': String(retryAfter) });
    }
  }
}

/** No limit (tests of other behaviour, benchmarks). */
export const NO_RATE_LIMIT: RateLimiter = { take: async () => undefined };
