/** Cloud factory of the idempotency records (Powertools' DynamoDB persistence layer, one per consumer). */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IDEMPOTENCY_TABLE, tableName } from '../../kernel/tables';
import { dynamoOf, tablePrefixOf, type CloudPortFactory } from '../cloud-ports';

export const cloudIdempotency: CloudPortFactory<'idempotencyFor'> = (ctx) => {
  const table = tableName(IDEMPOTENCY_TABLE, tablePrefixOf(ctx));
  const client = dynamoOf(ctx);
  return () => new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: client });
};
