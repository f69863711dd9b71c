/**
 * What a catalog entry says about one event-driven consumer: its trigger, its ports, how it is
 * created, its Lambda entry and its delivery settings. Each entry lives beside its service
 * (`<service>/catalog-entry.ts`); services/catalog.ts lists them. A Lambda handler imports only its
 * own entry, so its bundle holds only its service and the adapters of its ports.
 *
 *   export const admissionEntry = defineEntry({
 *     ...ENTRY_DEFAULTS,
 *     name: 'admission',
 *     pattern: taskEvents('TaskSubmitted', ...),
 *     ports: ADMISSION_PORTS,             // ['store', 'now', 'admission'] as const
 *     create: createAdmissionService,      // (ports: PortsOf<typeof ADMISSION_PORTS>) => ServiceHandlers
 *     ...
 *   });
 *
 * The AWS capabilities the CDK app grants an entry's function are derived from its ports
 * (capabilitiesOf, services/ports/ports.ts).
 */
import { createSqsConsumer, type ServiceHandlers, type SqsBatchHandler } from './kernel/consumer';
import { capabilitiesOf, type Capability, type PortName, type Ports } from './ports/ports';
import { portsFor, type PortFactories } from './ports/registry';

/** An EventBridge event pattern (content filtering syntax), as PutRule takes it. */
export type EventPattern = Readonly<Record<string, unknown>>;

export interface CatalogEntry<P extends PortName = PortName> {
  /** Service name: rule `abca-<name>`, queue `abca-<name>`, function `abca-<name>`. */
  readonly name: string;
  readonly description: string;
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

/** An entry, its port names inferred (no `as const` needed) and checked against `create`. */
export const defineEntry = <const P extends PortName>(entry: CatalogEntry<P>): CatalogEntry<P> => entry;

/** The settings most entries share. */
export const ENTRY_DEFAULTS = { timeoutSeconds: 30, memoryMb: 512, batchSize: 10, maxReceiveCount: 5, ordered: false } as const;

/** Events of the Task aggregate of the given types. */
export const taskEvents = (...types: string[]): EventPattern => ({ source: ['abca.task'], 'detail-type': types });

/** The AWS capabilities an entry's function is granted: those of its ports. */
export const capabilitiesOfEntry = (entry: Pick<CatalogEntry, 'ports'>): Capability[] => capabilitiesOf(entry.ports);

/**
 * The SQS consumer of an entry (rule → queue → this), its ports built from `factories`: exactly
 * the entry's, plus `idempotencyFor` unless the entry is idempotent by construction. The Lambda
 * handler (services/cloud/lambda-handler.ts) and the embedded platform (local/platform/wire-catalog.ts)
 * both make their consumers here.
 */
export function entryConsumer<P extends PortName>(entry: CatalogEntry<P>, factories: PortFactories<P> & Partial<PortFactories<'idempotencyFor'>>): SqsBatchHandler {
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
export const visibilityTimeoutSeconds = (entry: Pick<CatalogEntry, 'timeoutSeconds'>): number => entry.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;
