/**
 * Durable checkpoints for the local stream pollers, kept in DynamoDB (Local) so that a restart
 * resumes where the last successful batch ended.
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';

export interface CheckpointStore {
  get(id: string): Promise<string | undefined>;
  put(id: string, position: string): Promise<void>;
}

export class DynamoDbCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<string | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { id: { S: id } }, ConsistentRead: true }));
    return out.Item?.position?.S;
  }

  async put(id: string, position: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: { id: { S: id }, position: { S: position }, updatedAt: { S: new Date().toISOString() } } }),
    );
  }
}
