/**
 * The catalog: every consumer of the platform's events, in one list — the services and
 * projections behind SQS queues, the outbox publisher (the events table's stream), the session
 * monitor (the Kinesis telemetry stream), the Slack notifier and the task-event log (bus rules
 * whose targets run no code of ours), the Blueprint custom resource, and the REST API where
 * commands are born. Each entry says what it consumes, what it emits, its ports and its
 * retry/dead-letter settings (services/catalog-entry.ts); everything downstream is derived from it:
 *
 *   - the CDK app (infra/platform-stack.ts) builds each entry by its kind: every Lambda function and
 *     every EventBridge rule of the stack comes from an entry (infra/test/catalog.test.ts counts them);
 *   - the embedded platform (local/platform/platform.ts) wires the same entries on one machine;
 *   - docs/CHOREOGRAPHY.md is generated from it (`npm run docs:choreography`, drift-checked in CI);
 *   - what each entry emits is checked against its code (test/architecture/catalog-emits.test.ts).
 *
 * Nothing is listed twice: an entry lives beside its consumer (`<consumer>/catalog-entry.ts`), and
 * this list only gathers them. A Lambda handler imports its own entry, never this list, so its
 * bundle holds only its own consumer.
 *
 * Extending the pipeline means adding an entry (or, for a deployer, a rule on the bus).
 */
import { isQueueEntry, type CatalogEntry, type QueueEntry } from './catalog-entry';
import { apiEntry } from './api/catalog-entry';
import { publisherEntry } from './publisher/catalog-entry';
import { sessionMonitorEntry } from './tasks/session-monitor/catalog-entry';
import { notifierEntry } from './notifier/catalog-entry';
import { taskEventLogEntry } from './tasks/task-event-log/catalog-entry';
import { blueprintEntry } from './repos/repo/catalog-entry';
import { admissionEntry } from './users/admission/catalog-entry';
import { hydrationEntry } from './tasks/hydration/catalog-entry';
import { sessionEntry } from './tasks/session/catalog-entry';
import { finalizerEntry } from './tasks/finalizer/catalog-entry';
import { cancellationEntry } from './tasks/cancellation/catalog-entry';
import { nudgeDeliveryEntry } from './tasks/nudge-delivery/catalog-entry';
import { watchdogEntry } from './tasks/watchdog/catalog-entry';
import { memoryEntry } from './repos/memory/catalog-entry';
import { taskViewEntry } from '../projections/task-view/catalog-entry';
import { concurrencyViewEntry } from '../projections/concurrency-view/catalog-entry';
import { credentialsViewEntry } from '../projections/credentials-view/catalog-entry';

export {
  capabilitiesOfEntry,
  lambdaFunctionsOf,
  portsOfEntry,
  VISIBILITY_TIMEOUT_FACTOR,
  visibilityTimeoutSeconds,
  type CatalogEntry,
  type CustomResourceEntry,
  type EventPattern,
  type HttpEntry,
  type KinesisEntry,
  type QueueEntry,
  type RuleTargetEntry,
  type StreamEntry,
  type StreamEventSource,
} from './catalog-entry';
export type { Capability } from './ports/ports';

export const CATALOG: readonly CatalogEntry[] = [
  apiEntry,
  publisherEntry,
  admissionEntry,
  hydrationEntry,
  sessionEntry,
  finalizerEntry,
  cancellationEntry,
  nudgeDeliveryEntry,
  watchdogEntry,
  memoryEntry,
  taskViewEntry,
  concurrencyViewEntry,
  credentialsViewEntry,
  sessionMonitorEntry,
  notifierEntry,
  taskEventLogEntry,
  blueprintEntry,
];

/** The bus consumers behind SQS queues (rule → queue → Lambda): the services and projections. */
export const QUEUE_ENTRIES: readonly QueueEntry[] = CATALOG.filter(isQueueEntry);

export function catalogEntry(name: string): CatalogEntry {
  const entry = CATALOG.find((e) => e.name === name);
  if (!entry) throw new Error(`no consumer "${name}" in the catalog (known: ${CATALOG.map((e) => e.name).join(', ')})`);
  return entry;
}

/** A service or projection of the catalog (a queue entry). */
export function serviceEntry(name: string): QueueEntry {
  const entry = catalogEntry(name);
  if (!isQueueEntry(entry)) throw new Error(`"${name}" is a ${entry.kind} entry of the catalog, not a service behind a queue`);
  return entry;
}
