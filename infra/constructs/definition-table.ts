/**
 * A DynamoDB table made from its shared TableDefinition (services/kernel/tables.ts and friends):
 * keys, global secondary indexes, stream and TTL come from the definition, never spelled here; the
 * name is `<prefix>-<baseName>`, as the adapters compute it (services/kernel/tables.ts tableName).
 *
 * Safe defaults for every table: on-demand billing, point-in-time recovery (35 days), encryption
 * with the AWS managed key (`aws/dynamodb`: KMS, every use in CloudTrail, and no key policy to keep
 * in step with every role that reads — a customer-managed key would add that and KMS charges for
 * no control we use), and RETAIN (a stack deletion never drops data).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableName, type IndexDefinition, type KeyAttribute, type TableDefinition } from '../../services/kernel/tables';

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

const STREAM_VIEW: Record<NonNullable<TableDefinition['stream']>, dynamodb.StreamViewType> = {
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
};

function projection(index: IndexDefinition): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  switch (index.projection.type) {
    case 'ALL':
      return { projectionType: dynamodb.ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.attributes] };
  }
}

export interface DefinitionTableOptions {
  readonly prefix: string;
  /** Refuse DeleteTable (on for the event store: the source of truth). */
  readonly deletionProtection?: boolean;
  readonly resourcePolicy?: dynamodb.TableProps['resourcePolicy'];
}

export function tableFromDefinition(scope: Construct, def: TableDefinition, options: DefinitionTableOptions): dynamodb.Table {
  const table = new dynamodb.Table(scope, def.id, {
    tableName: tableName(def, options.prefix),
    partitionKey: attribute(def.partitionKey),
    ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: options.deletionProtection ?? false,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(def.stream ? { stream: STREAM_VIEW[def.stream] } : {}),
    ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
    ...(options.resourcePolicy ? { resourcePolicy: options.resourcePolicy } : {}),
  });
  for (const index of def.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      ...projection(index),
    });
  }
  return table;
}
