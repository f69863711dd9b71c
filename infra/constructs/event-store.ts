/**
 * The event store (docs/ARCHITECTURE.md "The event store"): the append-only events table and its outbox publisher.
 *
 * - The table comes from EVENTS_TABLE (keys, the `streams` index, stream NEW_IMAGE); point-in-time
 *   recovery, deletion protection and RETAIN: it is the source of truth. Its resource policy denies
 *   UpdateItem, DeleteItem and BatchWriteItem to every principal, administrators included: an event,
 *   once written, is never changed (erasing one is a deliberate act: remove the policy first).
 * - The publisher (the catalog's stream entry, services/publisher/catalog-entry.ts, added with
 *   `addPublisher`) reads the table's stream with the entry's settings: in order (one batch per
 *   shard at a time), reporting the first record it could not publish (ReportBatchItemFailures) so
 *   the batch resumes there, splitting a failing batch in two (bisect) to isolate a bad record, and
 *   giving up after bounded retries: the batch's position goes to the dead-letter queue (an SQS
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
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { StreamEntry } from '../../services/catalog';
import { CLOUD_ENV } from '../../services/cloud/env';
import { EVENTS_TABLE, tableName } from '../../services/kernel/tables';
import { DeadLetterQueue } from './dead-letter-queue';
import { acknowledgeWildcards } from '../nag';
import { tableFromDefinition } from './definition-table';
import { platformFunction } from './platform-function';
import { streamEventSourceProps } from './stream-event-source';

/** What application roles may do to the event table. */
export const EVENT_STORE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'] as const;
/** What nobody may do to it (the table's resource policy). */
export const EVENT_STORE_DENIED_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

export interface EventStoreProps {
  readonly prefix: string;
  readonly bus: events.IEventBus;
}

export class EventStore extends Construct {
  readonly table: dynamodb.Table;
  private readonly bus: events.IEventBus;
  private outbox?: { readonly publisher: lambda.Function; readonly deadLetterQueue: DeadLetterQueue };

  constructor(scope: Construct, id: string, props: EventStoreProps) {
    super(scope, id);
    this.bus = props.bus;
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
  }

  /** The outbox publisher: the catalog's stream entry on the table's stream, with its settings. */
  addPublisher(entry: StreamEntry): lambda.Function {
    const publisher = platformFunction(this, 'Publisher', {
      entry: entry.lambdaEntry,
      serviceName: entry.name,
      description: entry.description,
      timeout: Duration.seconds(entry.timeoutSeconds),
      memorySize: entry.memoryMb,
      environment: { [CLOUD_ENV.eventBusName]: this.bus.eventBusName },
    });
    this.bus.grantPutEventsTo(publisher);
    acknowledgeWildcards(publisher, /^Resource::\*$/, "dynamodb:ListStreams, which Lambda's DynamoDB event source needs, has no resource-level permissions.");
    const deadLetterQueue = new DeadLetterQueue(this, 'PublisherDeadLetterQueue');
    publisher.addEventSource(new DynamoEventSource(this.table, streamEventSourceProps(entry.eventSource, deadLetterQueue)));
    this.outbox = { publisher, deadLetterQueue };
    return publisher;
  }

  get publisher(): lambda.Function {
    return this.added().publisher;
  }

  get publisherDeadLetterQueue(): DeadLetterQueue {
    return this.added().deadLetterQueue;
  }

  private added() {
    if (!this.outbox) throw new Error('EventStore: addPublisher() first');
    return this.outbox;
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
