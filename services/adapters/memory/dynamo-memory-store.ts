/**
 * MemoryStore on DynamoDB (MEMORY_TABLE): episodes per repository, recalled by a local relevance
 * ranking (tf-idf-ish term overlap with the query plus recency, `rankByRelevance`) over the newest
 * `candidateLimit` episodes of the repository, capped at `maxTokens` (≤ MAX_MEMORY_TOKENS, ~4
 * characters per token).
 */
import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MAX_MEMORY_TOKENS, capToTokens, rankByRelevance, type MemoryEpisode, type MemoryItem, type MemoryStore, type RecallOptions } from '../../tasks/hydration/memory-store';

export interface DynamoMemoryStoreOptions {
  readonly client: DynamoDBClient;
  /** The physical table name (MEMORY_TABLE under the deployment prefix). */
  readonly tableName: string;
  readonly now?: () => Date;
  /** How many of the newest episodes are ranked (default 200). */
  readonly candidateLimit?: number;
  /** Days an episode is kept (DynamoDB TTL); kept forever when absent. */
  readonly retentionDays?: number;
}

export class DynamoMemoryStore implements MemoryStore {
  private readonly now: () => Date;
  private readonly candidateLimit: number;

  constructor(private readonly options: DynamoMemoryStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.candidateLimit = options.candidateLimit ?? 200;
  }

  async write(episode: MemoryEpisode): Promise<void> {
    const item: Record<string, { S: string } | { N: string }> = {
      repo: { S: episode.repo },
      sk: { S: `${episode.createdAt}#${episode.id}` },
      id: { S: episode.id },
      createdAt: { S: episode.createdAt },
      text: { S: episode.text },
    };
    if (episode.taskId) item.taskId = { S: episode.taskId };
    if (this.options.retentionDays !== undefined) {
      const expires = Math.floor(Date.parse(episode.createdAt) / 1000) + this.options.retentionDays * 86_400;
      item.expiresAt = { N: String(expires) };
    }
    // Same (createdAt, id) → same item: a retried write overwrites itself.
    await this.options.client.send(new PutItemCommand({ TableName: this.options.tableName, Item: item }));
  }

  async recall(repo: string, query: string, { maxTokens }: RecallOptions): Promise<MemoryItem[]> {
    const cap = Math.max(0, Math.min(maxTokens, MAX_MEMORY_TOKENS));
    if (cap === 0) return [];
    const candidates: Array<{ id: string; text: string; createdAt: string }> = [];
    let startKey: Record<string, never> | undefined;
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    do {
      const page = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: '#repo = :repo',
          ExpressionAttributeNames: { '#repo': 'repo' },
          ExpressionAttributeValues: { ':repo': { S: repo } },
          ScanIndexForward: false,
          Limit: this.candidateLimit - candidates.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        // TTL deletion is lazy: skip expired items that are still there.
        const expiresAt = item.expiresAt?.N === undefined ? undefined : Number(item.expiresAt.N);
        if (expiresAt !== undefined && expiresAt <= nowSeconds) continue;
        candidates.push({ id: item.id?.S ?? '', text: item.text?.S ?? '', createdAt: item.createdAt?.S ?? '' });
      }
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey && candidates.length < this.candidateLimit);
    return capToTokens(rankByRelevance(candidates, query, this.now()), cap).map(({ id, text, createdAt, score }) => ({ id, text, createdAt, score }));
  }
}
