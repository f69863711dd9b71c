/**
 * The service catalog: every event-driven service of the platform, in one list. The CDK app turns
 * each entry into rule → SQS queue (+ DLQ) → Lambda; the embedded platform turns the same entries
 * into rules and targets on the local EventBridge through its API, with local queues and functions.
 * Nothing is listed twice: a service's trigger lives here and only here.
 *
 * Extending the pipeline means adding an entry (or, for a deployer, a rule on the bus).
 */
import type { ServiceHandlers } from './kernel/consumer';
import type { ServiceDeps } from './deps';
import { ADMISSION_EVENT_TYPES, createAdmissionService } from './users/admission/service';
import { createHydrationService } from './tasks/hydration/service';
import { createSessionService } from './tasks/session/service';
import { createFinalizerService } from './tasks/finalizer/service';
import { createCancellationService } from './tasks/cancellation/service';
import { createWatchdogService } from './tasks/watchdog/service';
import { createMemoryService, MEMORY_EVENT_TYPES } from './repos/memory/service';
import { createNudgeDeliveryService, NUDGE_DELIVERY_EVENT_TYPES } from './tasks/nudge-delivery/service';
import { createTaskViewProjector } from '../projections/task-view/service';
import { createConcurrencyViewProjector } from '../projections/concurrency-view/service';
import { createCredentialsViewProjector } from '../projections/credentials-view/service';

/**
 * What a service reaches beyond the event store, its idempotency records and the views (which every
 * service may use): the CDK app grants each function only the capabilities its entry lists.
 *   compute    start, stop and describe agent sessions (AgentCore or ECS)
 *   scheduler  create and delete one-time schedules (session deadlines)
 *   git        the GitHub token (issues, pull requests, commits)
 *   blobs      write to the blob store (prompts, nudge inboxes)
 *   memory     the repositories' memory table (episodes; recalled into prompts)
 *   screening  the Bedrock guardrail, when the deployment configures one
 */
export type Capability = 'compute' | 'scheduler' | 'git' | 'blobs' | 'memory' | 'screening';

/** An EventBridge event pattern (content filtering syntax), as PutRule takes it. */
export type EventPattern = Readonly<Record<string, unknown>>;

export interface CatalogEntry {
  /** Service name: rule `abca-<name>`, queue `abca-<name>`, function `abca-<name>`. */
  readonly name: string;
  readonly description: string;
  /** What it reacts to. */
  readonly pattern: EventPattern;
  /** Also run on a schedule (EventBridge schedule expression), e.g. the watchdog's sweep. */
  readonly schedule?: string;
  readonly create: (deps: ServiceDeps) => ServiceHandlers;
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
   * no idempotency records — two fewer writes per event.
   */
  readonly idempotentByConstruction?: boolean;
  /** AWS capabilities the service needs (see Capability); none when omitted. */
  readonly uses?: readonly Capability[];
}

/** AWS's advice for SQS event sources: visibility timeout ≥ 6 × the function's timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * The visibility timeout of a service's queue (how soon a failed message comes back), in seconds:
 * the CDK app's SQS queue and the embedded platform's local queue both use it.
 */
export const visibilityTimeoutSeconds = (entry: Pick<CatalogEntry, 'timeoutSeconds'>): number => entry.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;

const taskEvents = (...types: string[]): EventPattern => ({ source: ['abca.task'], 'detail-type': types });

const defaults = { timeoutSeconds: 30, memoryMb: 512, batchSize: 10, maxReceiveCount: 5, ordered: false } as const;

export const CATALOG: readonly CatalogEntry[] = [
  {
    ...defaults,
    name: 'admission',
    description: 'Per-user cap of active tasks with a FIFO queue (User aggregate); terminal events release slots.',
    pattern: taskEvents(...ADMISSION_EVENT_TYPES),
    create: createAdmissionService,
    lambdaEntry: 'services/users/admission/handler.ts',
  },
  {
    ...defaults,
    name: 'hydration',
    description: 'Assembles the prompt (task, issue, comments, memory) within its token budget → ContextHydrated.',
    pattern: taskEvents('TaskAdmitted'),
    create: createHydrationService,
    lambdaEntry: 'services/tasks/hydration/handler.ts',
    uses: ['git', 'blobs', 'memory', 'screening'],
    timeoutSeconds: 120,
  },
  {
    ...defaults,
    name: 'session',
    description: 'Starts the agent session on the repo\'s compute → SessionStarted; schedules the deadline.',
    pattern: taskEvents('ContextHydrated'),
    create: createSessionService,
    lambdaEntry: 'services/tasks/session/handler.ts',
    uses: ['compute', 'scheduler'],
    timeoutSeconds: 120,
    reservedConcurrency: 20,
  },
  {
    ...defaults,
    name: 'finalizer',
    description: 'Infers the result from the git provider (PR for the branch, commits) → TaskCompleted / TaskFailed.',
    pattern: taskEvents('SessionEnded'),
    create: createFinalizerService,
    lambdaEntry: 'services/tasks/finalizer/handler.ts',
    uses: ['git', 'scheduler'],
    timeoutSeconds: 60,
  },
  {
    ...defaults,
    name: 'cancellation',
    description: 'Stops a running session → TaskCancelled.',
    pattern: taskEvents('TaskCancellationRequested'),
    create: createCancellationService,
    lambdaEntry: 'services/tasks/cancellation/handler.ts',
    uses: ['compute', 'scheduler'],
    timeoutSeconds: 60,
  },
  {
    ...defaults,
    name: 'nudge-delivery',
    description: "Writes each nudge to its task's inbox in the blob store, where the running agent reads it between turns.",
    pattern: taskEvents(...NUDGE_DELIVERY_EVENT_TYPES),
    create: createNudgeDeliveryService,
    lambdaEntry: 'services/tasks/nudge-delivery/handler.ts',
    uses: ['blobs'],
    // Same event, same blob key, same bytes: a redelivery rewrites the file identically.
    idempotentByConstruction: true,
  },
  {
    ...defaults,
    name: 'watchdog',
    description: 'Session deadlines, stranded tasks per state, queue maximum age: re-drives what it can, fails what it must.',
    pattern: { $or: [{ source: ['abca.scheduler'], 'detail-type': ['SessionDeadlineReached'] }, { source: ['abca.watchdog'], 'detail-type': ['SweepRequested'] }] },
    schedule: 'rate(1 minute)',
    create: createWatchdogService,
    lambdaEntry: 'services/tasks/watchdog/handler.ts',
    // It re-drives stuck tasks by running their step itself (hydration, session start, finalizer).
    uses: ['compute', 'scheduler', 'git', 'blobs', 'memory', 'screening'],
    timeoutSeconds: 300,
    batchSize: 1,
    reservedConcurrency: 1,
  },
  {
    ...defaults,
    name: 'memory',
    description: "Writes each finished task's episode (what was asked, how it ended) to the repository's memory, recalled into later prompts.",
    pattern: taskEvents(...MEMORY_EVENT_TYPES),
    create: createMemoryService,
    lambdaEntry: 'services/repos/memory/handler.ts',
    uses: ['memory'],
  },
  {
    ...defaults,
    name: 'task-view',
    description: 'Projection: the task view (GET /tasks, GET /tasks/{id}).',
    pattern: { source: ['abca.task'] },
    create: createTaskViewProjector,
    lambdaEntry: 'projections/task-view/handler.ts',
    batchSize: 25,
    idempotentByConstruction: true,
  },
  {
    ...defaults,
    name: 'concurrency-view',
    description: 'Projection: active and queued tasks per user.',
    pattern: { source: ['abca.user'] },
    create: createConcurrencyViewProjector,
    lambdaEntry: 'projections/concurrency-view/handler.ts',
    batchSize: 25,
    idempotentByConstruction: true,
  },
  {
    ...defaults,
    name: 'credentials-view',
    description: "Projection: each user's API keys and webhooks (GET /v1/api-keys, GET /v1/webhooks).",
    pattern: { source: ['abca.api-key', 'abca.webhook'] },
    create: createCredentialsViewProjector,
    lambdaEntry: 'projections/credentials-view/handler.ts',
    batchSize: 25,
    idempotentByConstruction: true,
  },
];

export function catalogEntry(name: string): CatalogEntry {
  const entry = CATALOG.find((e) => e.name === name);
  if (!entry) throw new Error(`no service "${name}" in the catalog (known: ${CATALOG.map((e) => e.name).join(', ')})`);
  return entry;
}
