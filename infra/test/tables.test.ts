/** Every cloud table comes from its shared TableDefinition (services/tables.ts ALL_TABLES). */
import { Match } from 'aws-cdk-lib/assertions';
import { tableName, type TableDefinition } from '../../services/kernel/tables';
import { ALL_TABLES } from '../../services/tables';
import { CLOUD_TABLES } from '../constructs/platform-tables';
import { resourcesOf, synthPlatform } from './platform';

const { template } = synthPlatform();

const keySchema = (def: Pick<TableDefinition, 'partitionKey' | 'sortKey'>) => [
  { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
  ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
];

test('one table per definition that is not local-only; the events table is the EventStore\'s', () => {
  const names = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table')).map((t) => t.Properties.TableName as string).sort();
  expect(names).toEqual(ALL_TABLES.filter((d) => !d.localOnly).map((d) => tableName(d, 'abca')).sort());
  expect(ALL_TABLES.some((d) => d.localOnly)).toBe(true); // checkpoints and the local scheduler's schedules stay local
});

test.each(CLOUD_TABLES.map((def) => [def.id, def] as const))('%s: keys, indexes, TTL, stream, PITR, encryption, RETAIN', (_id, def) => {
  template.hasResource('AWS::DynamoDB::Table', {
    Properties: {
      TableName: tableName(def, 'abca'),
      KeySchema: keySchema(def),
      GlobalSecondaryIndexes:
        def.globalSecondaryIndexes.length === 0
          ? Match.absent()
          : def.globalSecondaryIndexes.map((gsi) => Match.objectLike({ IndexName: gsi.indexName, KeySchema: keySchema(gsi), Projection: Match.objectLike({ ProjectionType: gsi.projection.type }) })),
      TimeToLiveSpecification: def.timeToLiveAttribute ? { AttributeName: def.timeToLiveAttribute, Enabled: true } : Match.absent(),
      StreamSpecification: def.stream ? { StreamViewType: def.stream } : Match.absent(),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    },
    DeletionPolicy: 'Retain',
  });
});
