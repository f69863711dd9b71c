/**
 * Integration-test harness for the lifecycle services: the real DynamoDbEventStore and LocalScheduler
 * on isolated DynamoDB Local tables, the test compute and test git provider, a local blob folder, a
 * fake clock, and the view test doubles. The services are built through a registry of those
 * (`registry`, services/ports/registry.ts), each with exactly the ports its catalog entry names.
 * Events are delivered by calling the services' handlers directly (`deliver`, `pump`), routed as
 * the catalog routes them; the bus wiring is not involved.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import { SCHEDULES_TABLE } from '../scheduler/schedules-table';
import { LocalScheduler, type DueSchedule } from '../../../local/scheduler/local-scheduler';
import { createIsolatedTables, type IsolatedTables } from '../../../test/support/dynamo';
import { ADMISSION_PORTS, createAdmissionService } from '../../users/admission/service';
import { CANCELLATION_PORTS, createCancellationService } from '../../tasks/cancellation/service';
import type { Ports } from '../../ports/ports';
import { portsFor, sharedPorts, type PortFactories } from '../../ports/registry';
import { createFinalizerService, FINALIZER_PORTS } from '../../tasks/finalizer/service';
import { createHydrationService, HYDRATION_PORTS } from '../../tasks/hydration/service';
import { handleCommand, type CommandContext } from '../../kernel/command-handler';
import type { HandlerContext, ServiceHandlers, Trigger } from '../../kernel/consumer';
import { DynamoDbEventStore } from '../../kernel/dynamodb-event-store';
import type { EventEnvelope, EventType, FoldableEvent } from '../../kernel/envelope';
import type { EventBus } from '../../kernel/event-bus';
import { EVENTS_TABLE } from '../../kernel/tables';
import type { ComputeStrategy } from '../../ports/compute';
import type { RepoConfigInput } from '../../repos/repo/repo-config';
import { repoConfigForTasks, repoDecider, type RepoEventType } from '../../repos/repo/repo-decider';
import { fold } from '../../kernel/decider';
import { createSessionService, SESSION_PORTS } from '../../tasks/session/service';
import { loadAggregate } from '../../kernel/load-aggregate';
import { taskDecider } from '../../tasks/task/task-decider';
import { taskStream } from '../../streams';
import { recordSessionReport } from '../../tasks/session-monitor/session-report';
import { TERMINAL_EVENT_STATUS, type TaskState } from '../../tasks/task/task-state';
import { admissionPolicy, type AdmissionPolicyOverrides } from '../../users/user/admission-policy';
import type { WatchdogConfig } from '../../tasks/watchdog/config';
import { WATCHDOG_PORTS } from '../../tasks/watchdog/actions';
import { createWatchdogService, type WatchdogService } from '../../tasks/watchdog/service';
import { LocalBlobStore } from '../blob-store/local-blob-store';
import { TestCompute, type TestComputeOptions } from '../compute/test-compute';
import { TestGitProvider } from '../git/test-git-provider';
import { FoldingConcurrencyViewStore, FoldingTaskViewStore } from './folding-views';

export const REPO = 'octo/widgets';

/** The ports the harness builds (the views are the read-only doubles the watchdog is given apart). */
const HARNESS_PORTS = ['store', 'bus', 'now', 'admission', 'compute', 'scheduler', 'git', 'blobs', 'memory', 'screening', 'contextSource', 'heartbeats', 'watchdogConfig'] as const;
type HarnessPortName = (typeof HARNESS_PORTS)[number];
/** Ports a test may give (the harness has none of its own). */
type OptionalHarnessPorts = Partial<Pick<Ports, 'memory' | 'screening' | 'contextSource' | 'heartbeats' | 'watchdogConfig'>>;

/** A clock tests move by hand. */
class FakeClock {
  private t: number;
  constructor(start = new Date()) {
    this.t = start.getTime();
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): Date {
    this.t += ms;
    return this.now();
  }
}

export interface HarnessOptions {
  readonly compute?: TestComputeOptions;
  readonly admission?: AdmissionPolicyOverrides;
  readonly watchdog?: Partial<WatchdogConfig>;
  /** Wraps the test compute (e.g. to interfere with a start). */
  readonly wrapCompute?: (compute: TestCompute) => ComputeStrategy;
  /** Optional ports: memory, screening, a context source, heartbeats, watchdog config overrides. */
  readonly ports?: OptionalHarnessPorts;
}

export interface Harness {
  readonly tables: IsolatedTables;
  readonly store: DynamoDbEventStore;
  readonly clock: FakeClock;
  readonly compute: TestCompute;
  readonly git: TestGitProvider;
  readonly blobs: LocalBlobStore;
  readonly scheduler: LocalScheduler;
  /** Triggers the scheduler fired (they are also handed to the watchdog). */
  readonly fired: DueSchedule[];
  /** The harness's registry of ports. */
  readonly registry: PortFactories<HarnessPortName>;
  /** Every port the harness builds. */
  readonly deps: Pick<Ports, HarnessPortName>;
  readonly logger: Logger;
  readonly ctx: HandlerContext;
  readonly services: {
    readonly admission: ServiceHandlers;
    readonly hydration: ServiceHandlers;
    readonly session: ServiceHandlers;
    readonly finalizer: ServiceHandlers;
    readonly cancellation: ServiceHandlers;
    readonly watchdog: WatchdogService;
  };
  onboard(repo?: string, config?: RepoConfigInput): Promise<void>;
  submit(options?: { taskId?: string; userId?: string; repo?: string; description?: string | null; issueNumber?: number | null }): Promise<string>;
  requestCancellation(taskId: string): Promise<void>;
  events(taskId: string): Promise<EventEnvelope[]>;
  types(taskId: string): Promise<EventType[]>;
  last(taskId: string, type: EventType): Promise<EventEnvelope>;
  task(taskId: string): Promise<TaskState>;
  /** Hands one event to the services the catalog routes it to. */
  deliver(event: EventEnvelope): Promise<void>;
  /** Delivers every Task event not delivered yet (in stream order), until none is left. */
  pump(): Promise<number>;
  /** pump + wait for the test compute's reports, until nothing moves. */
  settle(): Promise<void>;
  trigger(source: string, detailType: string, detail?: Record<string, unknown>): Trigger;
  dispose(): Promise<void>;
}

const ROUTES: Partial<Record<EventType, ReadonlyArray<keyof Harness['services']>>> = {
  TaskSubmitted: ['admission'],
  TaskAdmitted: ['hydration'],
  ContextHydrated: ['session'],
  SessionEnded: ['finalizer'],
  TaskCancellationRequested: ['cancellation'],
  ...Object.fromEntries(Object.keys(TERMINAL_EVENT_STATUS).map((t) => [t, ['admission'] as const])),
};

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const tables = await createIsolatedTables([EVENTS_TABLE, SCHEDULES_TABLE], 'lc');
  const store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE) });
  const clock = new FakeClock();
  const compute = new TestCompute(options.compute);
  const computeStrategy = options.wrapCompute ? options.wrapCompute(compute) : compute;
  const git = new TestGitProvider(compute);
  const blobDir = mkdtempSync(path.join(os.tmpdir(), 'abca-blobs-'));
  const blobs = new LocalBlobStore(blobDir);
  const logger = new Logger({ serviceName: 'lifecycle-test', logLevel: 'SILENT' });
  const ctx: HandlerContext = { logger, now: clock.now };
  const fired: DueSchedule[] = [];
  let watchdog: WatchdogService | undefined;
  const scheduler = new LocalScheduler({
    client: tables.client,
    tableName: tables.name(SCHEDULES_TABLE),
    now: clock.now,
    target: {
      publish: async (due) => {
        fired.push(due);
        await watchdog?.onTrigger({ id: ulid(), source: due.source, detailType: due.detailType, time: clock.now().toISOString(), detail: due.detail }, ctx);
      },
    },
  });
  const published: EventEnvelope[] = [];
  const bus: EventBus = { publish: async (events) => void published.push(...events) };
  const given = options.ports ?? {};
  const registry: PortFactories<HarnessPortName> = sharedPorts({
    store: () => store,
    bus: () => bus,
    now: () => clock.now,
    admission: () => admissionPolicy(options.admission),
    compute: () => () => computeStrategy,
    scheduler: () => scheduler,
    git: () => git,
    blobs: () => blobs,
    memory: () => given.memory,
    screening: () => given.screening,
    contextSource: () => given.contextSource,
    heartbeats: () => given.heartbeats,
    watchdogConfig: () => given.watchdogConfig,
  });
  const deps = portsFor(HARNESS_PORTS, registry);
  compute.setReportSink((report) => recordSessionReport(deps, report));
  type WatchdogPort = (typeof WATCHDOG_PORTS)[number];
  const notAView = (name: WatchdogPort): name is Exclude<WatchdogPort, 'taskViews' | 'concurrencyViews'> => name !== 'taskViews' && name !== 'concurrencyViews';
  watchdog = createWatchdogService(
    { ...portsFor(WATCHDOG_PORTS.filter(notAView), registry), taskViews: new FoldingTaskViewStore(store), concurrencyViews: new FoldingConcurrencyViewStore(store) },
    options.watchdog,
  );
  const services = {
    admission: createAdmissionService(portsFor(ADMISSION_PORTS, registry)),
    hydration: createHydrationService(portsFor(HYDRATION_PORTS, registry)),
    session: createSessionService(portsFor(SESSION_PORTS, registry)),
    finalizer: createFinalizerService(portsFor(FINALIZER_PORTS, registry)),
    cancellation: createCancellationService(portsFor(CANCELLATION_PORTS, registry)),
    watchdog,
  };
  const delivered = new Set<string>();
  const known = new Set<string>();
  const context = (id: string): CommandContext => ({ correlationId: id, causationId: `test:${ulid()}`, actor: 'user:test', now: clock.now() });

  const harness: Harness = {
    tables,
    store,
    clock,
    compute,
    git,
    blobs,
    scheduler,
    fired,
    registry,
    deps,
    logger,
    ctx,
    services,
    async onboard(repo = REPO, config = {}) {
      await handleCommand(store, repoDecider, { type: 'Repo', id: repo }, { type: 'OnboardRepo', repo, config }, context(repo));
    },
    async submit(o = {}) {
      const taskId = o.taskId ?? ulid();
      const repo = o.repo ?? REPO;
      const repoEvents = await store.readStream({ type: 'Repo', id: repo });
      const repoConfig = repoConfigForTasks(fold(repoDecider, repoEvents as unknown as FoldableEvent<RepoEventType>[]));
      await handleCommand(
        store,
        taskDecider,
        { type: 'Task', id: taskId },
        {
          type: 'SubmitTask',
          taskId,
          userId: o.userId ?? 'user-1',
          repo,
          taskDescription: o.description === undefined ? 'Fix the flaky login test' : o.description,
          issueNumber: o.issueNumber ?? null,
          channelSource: 'api',
          idempotencyKey: null,
          repoConfig,
          now: clock.now().toISOString(),
        },
        context(taskId),
      );
      known.add(taskId);
      return taskId;
    },
    async requestCancellation(taskId) {
      await handleCommand(store, taskDecider, { type: 'Task', id: taskId }, { type: 'RequestCancellation', requestedBy: 'user:user-1', reason: 'changed my mind' }, context(taskId));
    },
    events: (taskId) => store.readStream({ type: 'Task', id: taskId }),
    async types(taskId) {
      return (await store.readStream({ type: 'Task', id: taskId })).map((e) => e.type);
    },
    async last(taskId, type) {
      const event = (await store.readStream({ type: 'Task', id: taskId })).filter((e) => e.type === type).at(-1);
      if (!event) throw new Error(`no ${type} in task ${taskId}`);
      return event;
    },
    task: (taskId) => loadAggregate(store, taskStream(taskId), taskDecider),
    async deliver(event) {
      for (const name of ROUTES[event.type] ?? []) await services[name].onEvent?.(event, ctx);
    },
    async pump() {
      let count = 0;
      for (;;) {
        let moved = false;
        for await (const stream of store.listStreams('Task')) known.add(stream.id);
        for (const taskId of known) {
          for (const event of await store.readStream({ type: 'Task', id: taskId })) {
            if (delivered.has(event.id)) continue;
            delivered.add(event.id);
            await harness.deliver(event);
            count += 1;
            moved = true;
          }
        }
        if (!moved) return count;
      }
    },
    async settle() {
      for (;;) {
        const moved = await harness.pump();
        await compute.settle();
        if (compute.reportErrors.length) throw compute.reportErrors[0];
        if (moved === 0 && (await harness.pump()) === 0) return;
      }
    },
    trigger: (source, detailType, detail = {}) => ({ id: ulid(), source, detailType, time: clock.now().toISOString(), detail }),
    async dispose() {
      compute.dispose();
      await scheduler.stop();
      await tables.drop();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
  return harness;
}
