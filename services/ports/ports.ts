/**
 * Every port a service, a projection, the session monitor or the API may be built with, by name.
 * A consumer declares the names it uses (`ports: [...] as const` in its catalog entry) and receives
 * exactly `PortsOf<those>`, typed; the ports are built by one registry (./registry.ts) from the
 * environment (a Lambda: services/cloud/cloud-ports.ts), from local endpoints (the embedded
 * platform) or from test doubles (the harnesses). Services see only ports, never a concrete cloud
 * or local adapter.
 *
 * The AWS permissions a function needs follow from its ports (PORT_CAPABILITY), so a port and its
 * permission cannot disagree.
 */
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { HeartbeatReader, ProgressEventStore, ProgressViewStore } from '../../projections/progress-view/progress-view';
import type { WritableConcurrencyViewStore, WritableCredentialsViewStore, WritableTaskViewStore } from '../../projections/view-stores';
import type { EventBus } from '../kernel/event-bus';
import type { EventStore } from '../kernel/event-store';
import type { ContextSource } from '../tasks/hydration/context-source';
import type { MemoryStore } from '../tasks/hydration/memory-store';
import type { Screening } from '../tasks/hydration/screening';
import type { WatchdogConfig } from '../tasks/watchdog/config';
import type { AdmissionPolicy } from '../users/user/admission-policy';
import type { BlobStore } from './blob-store';
import type { ComputeStrategy, ComputeType } from './compute';
import type { GitProvider } from './git-provider';
import type { Scheduler } from './scheduler';

export interface Ports {
  /** The event store: the source of truth (append, read streams). */
  readonly store: EventStore;
  /** The event bus (the outbox publisher puts the store's events on it). */
  readonly bus: EventBus;
  readonly now: () => Date;
  /** Per-user cap of active tasks and queue age (the User aggregate's policy). */
  readonly admission: AdmissionPolicy;
  /** The compute for a repo's `computeType` (the platform may force one, e.g. `test`). */
  readonly compute: (type: ComputeType) => ComputeStrategy;
  /** One-time schedules (session deadlines). */
  readonly scheduler: Scheduler;
  /** GitHub (issues, pull requests, commits). */
  readonly git: GitProvider;
  /** Prompts, nudge inboxes. */
  readonly blobs: BlobStore;
  /**
   * Idempotency records for one consumer. A new layer per consumer: Powertools keeps the key
   * prefix on the layer instance, so consumers sharing one would race on it and read each other's
   * records. The consumer runtime uses it for every catalog entry not `idempotentByConstruction`.
   */
  readonly idempotencyFor: (consumerName: string) => BasePersistenceLayer;
  /** The repositories' memory (episodes, recalled into prompts); none: nothing is remembered. */
  readonly memory?: MemoryStore;
  /** Screening of untrusted text for prompt injection; none: the rule-based screen. */
  readonly screening?: Screening;
  /** Replaces the basic context source of hydration (issue, comments, memory) when given. */
  readonly contextSource?: ContextSource;
  /** The task view (GET /tasks; the watchdog's worklist). */
  readonly taskViews: WritableTaskViewStore;
  /** Active and queued tasks per user. */
  readonly concurrencyViews: WritableConcurrencyViewStore;
  /** Each user's API keys and webhooks. */
  readonly credentialsViews: WritableCredentialsViewStore;
  /** The live progress view of each task (the session monitor writes it). */
  readonly progressViews: ProgressViewStore;
  /** The append-only progress records of each task. */
  readonly progressEvents: ProgressEventStore;
  /** The last sign of life of a task's agent (the watchdog's silent-agent check); none: not checked. */
  readonly heartbeats?: HeartbeatReader;
  /** Overrides of the watchdog's thresholds. */
  readonly watchdogConfig?: Partial<WatchdogConfig>;
}

export type PortName = keyof Ports;

/** The ports a consumer declares it uses, e.g. `PortsOf<typeof ADMISSION_PORTS>`. */
export type PortsOf<N extends readonly PortName[]> = Pick<Ports, N[number]>;

/**
 * What a function reaches in AWS beyond what every platform function gets (the event store, the
 * views and progress tables, its idempotency records: the base grant, infra/constructs/service-grants.ts):
 *   bus        put events on the platform's bus
 *   compute    start, stop and describe agent sessions (AgentCore or ECS)
 *   scheduler  create and delete one-time schedules (session deadlines)
 *   git        the GitHub token (issues, pull requests, commits)
 *   blobs      read and write the blob store (prompts, nudge inboxes)
 *   memory     the repositories' memory table (episodes; recalled into prompts)
 *   screening  the Bedrock guardrail, when the deployment configures one
 */
export type Capability = 'bus' | 'compute' | 'scheduler' | 'git' | 'blobs' | 'memory' | 'screening';

/**
 * The one map from a port to the capability its cloud adapter needs; null: the base grant covers
 * it, or it reaches nothing in AWS. A function is granted exactly the capabilities of its ports.
 */
export const PORT_CAPABILITY: { readonly [K in PortName]-?: Capability | null } = {
  store: null,
  bus: 'bus',
  now: null,
  admission: null,
  compute: 'compute',
  scheduler: 'scheduler',
  git: 'git',
  blobs: 'blobs',
  idempotencyFor: null,
  memory: 'memory',
  screening: 'screening',
  contextSource: null,
  taskViews: null,
  concurrencyViews: null,
  credentialsViews: null,
  progressViews: null,
  progressEvents: null,
  heartbeats: null,
  watchdogConfig: null,
};

/** Every port name, in the order of PORT_CAPABILITY. */
export const PORT_NAMES = Object.keys(PORT_CAPABILITY) as readonly PortName[];

/** The capabilities of a set of ports (each once, in PORT_CAPABILITY's order). */
export function capabilitiesOf(ports: readonly PortName[]): Capability[] {
  const used = new Set(ports);
  return [...new Set(PORT_NAMES.filter((p) => used.has(p)).map((p) => PORT_CAPABILITY[p]).filter((c): c is Capability => c !== null))];
}
