/**
 * The embedded platform's registry: one factory per port (services/ports/ports.ts) over the local
 * adapters (DynamoDB Local tables, the local EventBridge bus, the local scheduler, the local blob
 * folder, the test or agent compute). Each port is built once, on first use, and shared by every
 * consumer the platform hosts (the catalog's services, the session monitor, the API), each of
 * which is given exactly its ports through `portsFor`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createProgressStores } from '../../projections/progress-view/stores';
import type { ViewStores } from '../../projections/view-stores';
import { DynamoMemoryStore } from '../../services/adapters/memory/dynamo-memory-store';
import { MEMORY_TABLE } from '../../services/adapters/memory/tables';
import { IDEMPOTENCY_TABLE, tableName } from '../../services/kernel/tables';
import type { Ports } from '../../services/ports/ports';
import { sharedPorts, type PortFactories } from '../../services/ports/registry';
import type { WatchdogConfig } from '../../services/tasks/watchdog/config';
import { admissionPolicy, type AdmissionPolicyOverrides } from '../../services/users/user/admission-policy';

export interface LocalPortParts extends Pick<Ports, 'store' | 'bus' | 'scheduler' | 'git' | 'blobs'> {
  readonly dynamo: DynamoDBClient;
  readonly tablePrefix: string;
  /** The view stores (the platform hands them to its tests and its API too). */
  readonly views: ViewStores;
  /** The one compute of this machine, whatever a repository's computeType says. */
  readonly compute: () => ReturnType<Ports['compute']>;
  readonly admission?: AdmissionPolicyOverrides;
  readonly watchdog?: Partial<WatchdogConfig>;
}

export function localPortFactories(parts: LocalPortParts): PortFactories {
  const { dynamo, tablePrefix: prefix, views } = parts;
  let progress: ReturnType<typeof createProgressStores> | undefined;
  const progressStores = () => (progress ??= createProgressStores({ client: dynamo, prefix }));
  return sharedPorts({
    store: () => parts.store,
    bus: () => parts.bus,
    now: () => () => new Date(),
    admission: () => admissionPolicy(parts.admission),
    compute: () => () => parts.compute(),
    scheduler: () => parts.scheduler,
    git: () => parts.git,
    blobs: () => parts.blobs,
    idempotencyFor: () => () => new DynamoDBPersistenceLayer({ tableName: tableName(IDEMPOTENCY_TABLE, prefix), awsSdkV3Client: dynamo }),
    // Memory of earlier tasks per repository, recalled into prompts (relevance-ranked, ≤ 2,000 tokens).
    memory: () => new DynamoMemoryStore({ client: dynamo, tableName: tableName(MEMORY_TABLE, prefix) }),
    // The rule-based screen and the basic context source.
    screening: () => undefined,
    contextSource: () => undefined,
    taskViews: () => views.taskViews,
    concurrencyViews: () => views.concurrencyViews,
    credentialsViews: () => views.credentialsViews,
    progressViews: () => progressStores().progressViews,
    progressEvents: () => progressStores().progressEvents,
    heartbeats: () => progressStores().heartbeats,
    watchdogConfig: () => parts.watchdog,
  });
}
