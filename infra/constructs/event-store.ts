/**
 * The event store (docs/ARCHITECTURE.md "The event store"): the append-only events table and its outbox publisher.
 *
 * - The table comes from EVENTS_TABLE (keys, the `streams` index, stream NEW_IMAGE); point-in-time
 *   recovery, deletion protection and RETAIN: it is the source of truth. Its resource policy denies
 *   UpdateItem, DeleteItem and BatchWriteItem to every principal, administrators included: an event,
 *   once written, is never changed (erasing one is a deliberate act: remove the policy first).
 * - The publisher reads the table's stream in order (one batch per shard at a time:
 *   parallelizationFactor 1), reports the first record it could not publish (ReportBatchItemFailures)
 *   so the batch resumes there, splits a failing batch in two (bisect) to isolate a bad record, and
 *   gives up after bounded retries: the batch's position goes to the dead-letter queue (an SQS
 *   on-failure destination), from where `npm run republish` re-sends the range from the store —
 *   the events themselves are never lost, the table keeps them.
 * - `grantAppend` and `grantRead` are the only ways a role gets at the events: PutItem
 *   (TransactWriteItems of Puts is authorised as PutItem), GetItem and Query, on the table and its
 *   index. No Update, no Delete (never grantReadWriteData).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { CLOUD_ENV } from '../../services/cloud/env';
import { EVENTS_TABLE, tableName } from '../../services/kernel/tables';
import { DeadLetterQueue } from './dead-letter-queue';
import { acknowledgeWildcards } from '../nag';
import { tableFromDefinition } from './definition-table';
import { platformFunction } from './platform-function';

/** What application roles may do to the event table. */
export const EVENT_STORE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'] as const;
/** What nobody may do to it (the table's resource policy). */
export const EVENT_STORE_DENIED_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

export interface EventStoreProps {
  readonly prefix: string;
  readonly bus: events.IEventBus;
  /** Attempts of a failing stream batch before its position goes to the dead-letter queue. */
  readonly publisherRetryAttempts?: number;
}

export class EventStore extends Construct {
  readonly table: dynamodb.Table;
  readonly publisher: lambda.Function;
  readonly publisherDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: EventStoreProps) {
    super(scope, id);
    // The table's own ARN cannot appear in its resource policy (a cycle); its name is fixed, so the ARN is known.
    const tableArn = Stack.of(this).formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName(EVENTS_TABLE, props.prefix) });
    this.table = tableFromDefinition(this, EVENTS_TABLE, {
      prefix: props.prefix,
      deletionProtection: true,
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'EventsAreImmutable',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [...EVENT_STORE_DENIED_ACTIONS],
            resources: [tableArn],
          }),
        ],
      }),
    });

    this.publisher = platformFunction(this, 'Publisher', {
      entry: 'services/publisher/handler.ts',
      serviceName: 'publisher',
      description: 'Outbox: the event table stream → the bus, in order.',
      timeout: Duration.seconds(60),
      memorySize: 256,
      environment: { [CLOUD_ENV.eventBusName]: props.bus.eventBusName },
    });
    props.bus.grantPutEventsTo(this.publisher);
    acknowledgeWildcards(this.publisher, /^Resource::\*$/, "dynamodb:ListStreams, which Lambda's DynamoDB event source needs, has no resource-level permissions.");
    this.publisherDeadLetterQueue = new DeadLetterQueue(this, 'PublisherDeadLetterQueue');
    this.publisher.addEventSource(
      new DynamoEventSource(this.table, {
        // From the stream's start: events written before the mapping existed are published too.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        retryAttempts: props.publisherRetryAttempts ?? 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.publisherDeadLetterQueue),
      }),
    );
  }

  /** Read events only (the API authorizer reads API-key streams). */
  grantRead(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'EventStoreRead', actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [this.table.tableArn, `${this.table.tableArn}/index/*`] }),
    );
    this.acknowledgeIndexes(grantee);
  }

  /** Append and read events: Put (also inside TransactWriteItems), Get, Query. Nothing else. */
  grantAppend(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EventStoreAppendAndRead',
        actions: [...EVENT_STORE_ACTIONS],
        resources: [this.table.tableArn, `${this.table.tableArn}/index/*`],
      }),
    );
    this.acknowledgeIndexes(grantee);
  }

  private acknowledgeIndexes(grantee: iam.IGrantable): void {
    if (Construct.isConstruct(grantee)) acknowledgeWildcards(grantee, /^Resource::<EventStore.*\.Arn>\/index\/\*$/, 'The event table\'s index (`streams`) lists streams by type; it is part of the table.');
  }
}
