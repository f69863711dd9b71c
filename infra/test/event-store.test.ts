/** The event store: the table from EVENTS_TABLE, its safety settings, the outbox publisher, the grants. */
import { Match } from 'aws-cdk-lib/assertions';
import { EVENTS_TABLE } from '../../services/kernel/tables';
import { EVENT_STORE_ACTIONS, EVENT_STORE_DENIED_ACTIONS } from '../constructs/event-store';
import { oneResource, resourcesOf, synthPlatform } from './platform';

const { stack, template } = synthPlatform();
const tableId = stack.resolve(stack.eventStore.table.tableArn)['Fn::GetAtt'][0] as string;

test('the events table: keys and index from EVENTS_TABLE, stream NEW_IMAGE, PITR, deletion protection, KMS, RETAIN', () => {
  template.hasResource('AWS::DynamoDB::Table', {
    Properties: {
      TableName: 'abca-events',
      KeySchema: [
        { AttributeName: EVENTS_TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: EVENTS_TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'streams', Projection: { ProjectionType: 'KEYS_ONLY' } })],
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    },
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
  });
});

test('its resource policy denies UpdateItem, DeleteItem and BatchWriteItem to everyone', () => {
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    TableName: 'abca-events',
    ResourcePolicy: { PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Action: [...EVENT_STORE_DENIED_ACTIONS].sort() })] } },
  });
});

test('the publisher reads the stream in order: one batch per shard, bisect, bounded retries, on-failure DLQ, partial failures', () => {
  const dlq = stack.resolve(stack.eventStore.publisherDeadLetterQueue.queueArn);
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
    FunctionName: stack.resolve(stack.eventStore.publisher.functionName),
    StartingPosition: 'TRIM_HORIZON',
    ParallelizationFactor: 1,
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: 10,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    DestinationConfig: { OnFailure: { Destination: dlq } },
  });
});

test('the publisher may put events on the bus', () => {
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [stack.resolve(stack.eventStore.publisher.role!.roleName)],
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents', Resource: stack.resolve(stack.bus.bus.eventBusArn) })]) },
  });
});

test('no role may update or delete events: every statement on the events table allows Put/Get/Query only', () => {
  const onTable = (resource: unknown) => JSON.stringify(resource).includes(`"${tableId}"`) && !JSON.stringify(resource).includes('StreamArn');
  let statements = 0;
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    for (const st of policy.Properties.PolicyDocument.Statement) {
      if (!onTable(st.Resource)) continue;
      statements++;
      expect([st.Action].flat().every((a: string) => (EVENT_STORE_ACTIONS as readonly string[]).includes(a))).toBe(true);
    }
  }
  // Every catalog service, the session monitor, the API, its authorizer and the Blueprint provider (when any) append or read.
  expect(statements).toBeGreaterThanOrEqual(13);
});

test('appenders get exactly PutItem, GetItem, Query on the table and its index', () => {
  const { resource } = oneResource(template, 'AWS::IAM::Policy', { Roles: [stack.resolve(stack.api.handler.role!.roleName)] });
  expect(resource.Properties.PolicyDocument.Statement).toContainEqual({
    Sid: 'EventStoreAppendAndRead',
    Effect: 'Allow',
    Action: [...EVENT_STORE_ACTIONS].sort(),
    Resource: [{ 'Fn::GetAtt': [tableId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/*']] }],
  });
});
