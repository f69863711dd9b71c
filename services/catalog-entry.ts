/**
 * What the catalog (services/catalog.ts) says about each consumer of the platform's events: what it
 * consumes, what it emits, its ports, how it is deployed and its retry/dead-letter settings. An
 * entry has a kind, and everything that builds consumers (the CDK app's constructs, the embedded
 * platform's wiring) switches on it exhaustively:
 *
 *   queue            bus rule → SQS queue (+ DLQ) → Lambda: the services and projections
 *   stream           the events table's DynamoDB Stream → Lambda: the outbox publisher
 *   kinesis          the Kinesis telemetry stream → Lambda: the session monitor
 *   rule-target      bus rule → a target that runs no code of ours (Slack API destination, log group)
 *   custom-resource  CloudFormation → CDK's provider framework → Lambda: the Blueprint
 *   http             API Gateway → Lambda (+ its authorizer): the REST API, where commands are born
 *
 * Each entry lives beside its consumer (`<consumer>/catalog-entry.ts`). A Lambda handler imports
 * only its own entry, so its bundle holds only its consumer and the adapters of its ports.
 *
 *   export const admissionEntry = defineEntry({
 *     ...ENTRY_DEFAULTS,
 *     kind: 'queue',
 *     name: 'admission',
 *     pattern: taskEvents('TaskSubmitted', ...),
 *     emits: ['SlotAcquired', 'TaskAdmitted', ...],   // EventType: a typo is a type error
 *     ports: ADMISSION_PORTS,             // ['store', 'now', 'admission'] as const
 *     create: createAdmissionService,      // (ports: PortsOf<typeof ADMISSION_PORTS>) => ServiceHandlers
 *     ...
 *   });
 *
 * `emits` lists the event types the consumer's code can append to the store; a test derives them
 * from the code (test/architecture/catalog-emits.test.ts) and fails when the two differ. The AWS
 * capabilities the CDK app grants an entry's functions are derived from its ports (capabilitiesOf,
 * services/ports/ports.ts). docs/CHOREOGRAPHY.md is generated from the entries
 * (`npm run docs:choreography`).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { createSqsConsumer, type ServiceHandlers, type SqsBatchHandler } from './kernel/consumer';
import { capabilitiesOf, type Capability, type PortName, type Ports } from './ports/ports';
import { portsFor, type PortFactories } from './ports/registry';
import type { EventType } from './kernel/envelope';
import { assertNever } from './kernel/decider';

/** An EventBridge event pattern (content filtering syntax), as PutRule takes it. */
export type EventPattern = Readonly<Record<string, unknown>>;

export type EntryKind = CatalogEntry['kind'];

interface EntryBase {
  /** The consumer's name: its rule, queue and function are `<prefix>-<name>` (`abca-<name>` on one machine). */
  readonly name: string;
  readonly description: string;
  /**
   * The event types its code can append to the store (through the deciders' commands): checked
   * against the code by test/architecture/catalog-emits.test.ts. Empty for a consumer that only
   * reads, writes views or calls out.
   */
  readonly emits: readonly EventType[];
}

/** A Lambda function of an entry: POWERTOOLS_SERVICE_NAME `name`, bundled from `lambdaEntry`. */
export interface LambdaSpec {
  readonly name: string;
  /** The Lambda entry file that exports `handler` (bundled by the CDK app), relative to the repository root. */
  readonly lambdaEntry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

/** A bus consumer behind an SQS queue: rule → queue (+ DLQ) → Lambda. */
export interface QueueEntry<P extends PortName = PortName> extends EntryBase {
  readonly kind: 'queue';
  /** What it reacts to. */
  readonly pattern: EventPattern;
  /** Also run on a schedule (EventBridge schedule expression), e.g. the watchdog's sweep. */
  readonly schedule?: string;
  /** The ports it is built with: `create` receives exactly these, and its function is granted their capabilities. */
  readonly ports: readonly P[];
  readonly create: (ports: Pick<Ports, P>) => ServiceHandlers;
  /** The Lambda entry file that exports `handler` (bundled by the CDK app). */
  readonly lambdaEntry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Caps parallel invocations (e.g. a service that drives compute). */
  readonly reservedConcurrency?: number;
  /** SQS → Lambda: messages per invocation; failed messages come back after the visibility timeout. */
  readonly batchSize: number;
  /** Deliveries before a message goes to the service's dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Process a batch in order, stopping at the first failure. */
  readonly ordered: boolean;
  /**
   * The handler is idempotent by construction (projections apply by stream sequence), so it needs
   * no idempotency records — two fewer writes per event. Otherwise the consumer runtime keeps them
   * through the `idempotencyFor` port.
   */
  readonly idempotentByConstruction?: boolean;
}

/** How Lambda reads a stream (DynamoDB Streams or Kinesis) for an entry: its event source mapping. */
export interface StreamEventSource {
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Records per invocation. */
  readonly batchSize: number;
  /** How long Lambda gathers records before invoking (none: as soon as there are any). */
  readonly maxBatchingWindowSeconds?: number;
  /** Concurrent batches per shard (Lambda's default, 1: in order). */
  readonly parallelizationFactor?: number;
  /** Split a failing batch in two to isolate a bad record. */
  readonly bisectBatchOnError: boolean;
  /** Retries of a failing batch before its position goes to the entry's dead-letter queue (an on-failure destination). */
  readonly retryAttempts: number;
}

/** The consumer of the events table's DynamoDB Stream (NEW_IMAGE): the outbox. */
export interface StreamEntry<P extends PortName = PortName> extends EntryBase, LambdaSpec {
  readonly kind: 'stream';
  readonly source: 'events-table';
  readonly ports: readonly P[];
  readonly create: (ports: Pick<Ports, P>) => (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  readonly eventSource: StreamEventSource;
}

/** The consumer of the Kinesis telemetry stream the agents write to. */
export interface KinesisEntry<P extends PortName = PortName> extends EntryBase, LambdaSpec {
  readonly kind: 'kinesis';
  readonly source: 'telemetry';
  readonly ports: readonly P[];
  readonly create: (ports: Pick<Ports, P>) => (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;
  readonly eventSource: StreamEventSource;
  /** Applies by sequence (as the projections): no idempotency records. */
  readonly idempotentByConstruction: true;
}

/** An EventBridge input transformer (PutTargets' InputTransformer). */
interface InputTransformer {
  readonly InputPathsMap: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

/** A bus rule whose target runs no code of ours: EventBridge delivers, retries and dead-letters itself. */
export interface RuleTargetEntry extends EntryBase {
  readonly kind: 'rule-target';
  readonly pattern: EventPattern;
  /** api-destination: an HTTPS endpoint through a connection (Slack); log-group: CloudWatch Logs. */
  readonly target: 'api-destination' | 'log-group';
  readonly inputTransformer?: InputTransformer;
  /** The target's retry policy; what still fails goes to the bus's delivery dead-letter queue. */
  readonly retry: { readonly maximumRetryAttempts: number; readonly maximumEventAgeSeconds: number };
  /** Wired only when this is configured (the Slack webhook: `slackWebhookSecret` in AWS, ABCA_SLACK_WEBHOOK_URL on one machine). */
  readonly requires?: 'slack-webhook';
  /** Only in the CDK app (no stand-in on one machine). */
  readonly cloudOnly?: boolean;
}

/**
 * A CloudFormation custom resource's handler, called through CDK's provider framework once per
 * resource change: a failure fails the deployment, which CloudFormation rolls back (no retries,
 * no dead-letter queue). Only in the CDK app.
 */
export interface CustomResourceEntry<P extends PortName = PortName> extends EntryBase, LambdaSpec {
  readonly kind: 'custom-resource';
  readonly resourceType: `Custom::${string}`;
  readonly ports: readonly P[];
}

/**
 * The REST API: API Gateway → its function, behind a REQUEST authorizer. Commands are born here
 * (a refused request writes nothing; the client retries, with an Idempotency-Key on POST).
 */
export interface HttpEntry<P extends PortName = PortName> extends EntryBase {
  readonly kind: 'http';
  readonly ports: readonly P[];
  readonly handler: LambdaSpec;
  readonly authorizer: LambdaSpec;
}

/** One consumer of the catalog. */
export type CatalogEntry<P extends PortName = PortName> = QueueEntry<P> | StreamEntry<P> | KinesisEntry<P> | RuleTargetEntry | CustomResourceEntry<P> | HttpEntry<P>;

/** The entries of one kind. */
export type EntryOfKind<K extends EntryKind, P extends PortName = PortName> = Extract<CatalogEntry<P>, { readonly kind: K }>;

/** An entry of its kind, its port names inferred (no `as const` needed) and checked against `create`. */
export const defineEntry = <const P extends PortName, K extends EntryKind>(entry: EntryOfKind<K, P> & { readonly kind: K }): EntryOfKind<K, P> => entry;

/** The ports an entry's code is built with (none for a rule target: no code of ours runs). */
export const portsOfEntry = (entry: CatalogEntry): readonly PortName[] => (entry.kind === 'rule-target' ? [] : entry.ports);

/** The Lambda functions an entry deploys (none for a rule target). */
export function lambdaFunctionsOf(entry: CatalogEntry): LambdaSpec[] {
  switch (entry.kind) {
    case 'queue':
    case 'stream':
    case 'kinesis':
    case 'custom-resource':
      return [{ name: entry.name, lambdaEntry: entry.lambdaEntry, timeoutSeconds: entry.timeoutSeconds, memoryMb: entry.memoryMb }];
    case 'http':
      return [entry.handler, entry.authorizer];
    case 'rule-target':
      return [];
    default:
      return assertNever(entry, 'catalog entry');
  }
}

export const isQueueEntry = (entry: CatalogEntry): entry is QueueEntry => entry.kind === 'queue';

/** The settings most queue entries share. */
export const ENTRY_DEFAULTS = { timeoutSeconds: 30, memoryMb: 512, batchSize: 10, maxReceiveCount: 5, ordered: false } as const;

/** Events of the Task aggregate of the given types. */
export const taskEvents = (...types: EventType[]): EventPattern => ({ source: ['abca.task'], 'detail-type': types });

/** The AWS capabilities an entry's function is granted: those of its ports. */
export const capabilitiesOfEntry = (entry: CatalogEntry): Capability[] => capabilitiesOf(portsOfEntry(entry));

/**
 * The SQS consumer of an entry (rule → queue → this), its ports built from `factories`: exactly
 * the entry's, plus `idempotencyFor` unless the entry is idempotent by construction. The Lambda
 * handler (services/cloud/lambda-handler.ts) and the embedded platform (local/platform/wire-catalog.ts)
 * both make their consumers here.
 */
export function entryConsumer<P extends PortName>(entry: QueueEntry<P>, factories: PortFactories<P> & Partial<PortFactories<'idempotencyFor'>>): SqsBatchHandler {
  const ports = portsFor(entry.ports, factories);
  let idempotency;
  if (!entry.idempotentByConstruction) {
    if (!factories.idempotencyFor) throw new Error(`the ${entry.name} service keeps idempotency records: its registry needs the idempotencyFor port`);
    idempotency = portsFor(['idempotencyFor'], { idempotencyFor: factories.idempotencyFor }).idempotencyFor(entry.name);
  }
  return createSqsConsumer({ name: entry.name, handlers: entry.create(ports), idempotency, ordered: entry.ordered });
}

/** AWS's advice for SQS event sources: visibility timeout ≥ 6 × the function's timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * The visibility timeout of a service's queue (how soon a failed message comes back), in seconds:
 * the CDK app's SQS queue and the embedded platform's local queue both use it.
 */
export const visibilityTimeoutSeconds = (entry: Pick<QueueEntry, 'timeoutSeconds'>): number => entry.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;
