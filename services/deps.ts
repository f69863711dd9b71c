/**
 * What services are built from. A Lambda builds these from its environment (AWS endpoints); the
 * embedded platform builds them from local endpoints; tests build them from DynamoDB Local and
 * the local EventBridge. Services see only ports, never a concrete cloud or local adapter.
 */
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { EventBus } from './kernel/event-bus';
import type { EventStore } from './kernel/event-store';
import type { BlobStore } from './ports/blob-store';
import type { ComputeStrategy, ComputeType } from './ports/compute';
import type { GitProvider } from './ports/git-provider';
import type { Scheduler } from './ports/scheduler';
import type { AdmissionPolicy } from './users/user/admission-policy';

export interface ServiceDeps {
  readonly store: EventStore;
  readonly bus: EventBus;
  readonly now: () => Date;
  readonly admission: AdmissionPolicy;
  /** The compute for a repo's `computeType` (the platform may force one, e.g. `test`). */
  readonly compute: (type: ComputeType) => ComputeStrategy;
  readonly git: GitProvider;
  readonly blobs: BlobStore;
  readonly scheduler: Scheduler;
  /**
   * Idempotency records for one consumer. A new layer per consumer: Powertools keeps the key
   * prefix on the layer instance, so consumers sharing one would race on it and read each other's
   * records.
   */
  readonly idempotencyFor?: (consumerName: string) => BasePersistenceLayer;
  /** Extra services and adapters by name (views, context source, ...), typed where used. */
  readonly extras: Readonly<Record<string, unknown>>;
}
