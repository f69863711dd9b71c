/**
 * The service catalog: every event-driven service of the platform, in one list. The CDK app turns
 * each entry into rule → SQS queue (+ DLQ) → Lambda; the embedded platform turns the same entries
 * into rules and targets on the local EventBridge through its API, with local queues and functions.
 * Nothing is listed twice: a service's trigger, ports and settings live in its entry, beside the
 * service (`<service>/catalog-entry.ts`), and this list only gathers them. A Lambda handler imports
 * its own entry, never this list, so its bundle holds only its own service.
 *
 * Extending the pipeline means adding an entry (or, for a deployer, a rule on the bus).
 */
import type { CatalogEntry } from './catalog-entry';
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

export { capabilitiesOfEntry, ENTRY_DEFAULTS, taskEvents, VISIBILITY_TIMEOUT_FACTOR, visibilityTimeoutSeconds, type CatalogEntry, type EventPattern } from './catalog-entry';
export type { Capability, PortName } from './ports/ports';

export const CATALOG: readonly CatalogEntry[] = [
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
];

export function catalogEntry(name: string): CatalogEntry {
  const entry = CATALOG.find((e) => e.name === name);
  if (!entry) throw new Error(`no service "${name}" in the catalog (known: ${CATALOG.map((e) => e.name).join(', ')})`);
  return entry;
}
