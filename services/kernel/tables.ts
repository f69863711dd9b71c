/**
 * The DynamoDB tables of the platform, defined once. The DynamoDB adapters, the DynamoDB Local
 * harness and the CDK app all read these definitions, so a key or an index is never spelled twice.
 *
 * The definitions are plain data (no AWS SDK, no CDK types): `toCreateTableInput` turns one into a
 * CreateTable request, and the CDK constructs map the same fields onto `dynamodb.Table`.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** ALL, KEYS_ONLY, or INCLUDE with the listed non-key attributes. */
  readonly projection: { readonly type: 'ALL' | 'KEYS_ONLY' } | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };
}

export interface TableDefinition {
  /** Stable id used in code and as the CDK construct id. */
  readonly id: string;
  /** Physical name without the deployment prefix (≥ 3 characters, a DynamoDB rule). */
  readonly baseName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** DynamoDB Streams view, when the table feeds a stream consumer. */
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  readonly timeToLiveAttribute?: string;
  /**
   * Only the embedded platform uses it: it stands in for something AWS manages itself (Lambda's
   * event source positions, EventBridge Scheduler). The CDK app does not create it.
   */
  readonly localOnly?: boolean;
}

/**
 * The event store: one item per event at (pk = `<StreamType>#<id>`, sk = sequence). Optimistic
 * concurrency comes from the key alone. The first event of every stream also carries
 * `streamType`, which makes the sparse `streams` index list the streams of a type. The table's
 * stream (NEW_IMAGE) is the outbox that the publisher turns into bus events.
 */
export const EVENTS_TABLE = {
  id: 'EventStore',
  baseName: 'events',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  globalSecondaryIndexes: [
    {
      indexName: 'streams',
      partitionKey: { name: 'streamType', type: 'S' },
      sortKey: { name: 'pk', type: 'S' },
      projection: { type: 'KEYS_ONLY' },
    },
  ],
  stream: 'NEW_IMAGE',
} as const satisfies TableDefinition;

/** Names of the event item's attributes, shared by the adapter and the stream publisher. */
export const EVENT_ITEM = {
  pk: 'pk',
  sk: 'sk',
  streamType: 'streamType',
  /** The whole envelope, as a JSON string (keeps the item one attribute wide to (de)serialise). */
  envelope: 'e',
} as const;

/** Idempotency records of event consumers (Powertools layout: `id` key, `expiration` TTL). */
export const IDEMPOTENCY_TABLE = {
  id: 'Idempotency',
  baseName: 'idempotency',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiration',
} as const satisfies TableDefinition;

/**
 * Durable positions of the local stream pollers (DynamoDB Streams, Kinesis): on one machine they
 * play the part of Lambda's event source mappings, which keep their position themselves in AWS.
 */
export const CHECKPOINTS_TABLE = {
  id: 'Checkpoints',
  baseName: 'checkpoints',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  localOnly: true,
} as const satisfies TableDefinition;

export const KERNEL_TABLES: readonly TableDefinition[] = [EVENTS_TABLE, IDEMPOTENCY_TABLE, CHECKPOINTS_TABLE];

/** `abca-events` by default; the prefix separates deployments (and test runs) on one endpoint. */
export function tableName(def: TableDefinition, prefix = process.env.ABCA_TABLE_PREFIX ?? 'abca'): string {
  return prefix ? `${prefix}-${def.baseName}` : def.baseName;
}

/** A CreateTable request (on-demand billing) for DynamoDB or DynamoDB Local. */
export function toCreateTableInput(def: TableDefinition, prefix?: string) {
  const keyAttrs = new Map<string, AttributeType>();
  const add = (a: KeyAttribute) => keyAttrs.set(a.name, a.type);
  add(def.partitionKey);
  if (def.sortKey) add(def.sortKey);
  for (const gsi of def.globalSecondaryIndexes) {
    add(gsi.partitionKey);
    if (gsi.sortKey) add(gsi.sortKey);
  }
  const keySchema = (pk: KeyAttribute, sk?: KeyAttribute) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName(def, prefix),
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...keyAttrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keySchema(def.partitionKey, def.sortKey),
    ...(def.globalSecondaryIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((gsi) => ({
            IndexName: gsi.indexName,
            KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
            Projection:
              gsi.projection.type === 'INCLUDE'
                ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...gsi.projection.attributes] }
                : { ProjectionType: gsi.projection.type },
          })),
        }
      : {}),
    ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
  };
}
