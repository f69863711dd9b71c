/**
 * The embedded platform: the whole event flow on one machine, built from the same services the
 * cloud runs. DynamoDB Local (event store, idempotency, views, checkpoints, schedules), the local
 * EventBridge with the catalog's rules → local queues → service consumers, the outbox publisher on
 * the table's stream, the durable local scheduler, and a compute.
 *
 * With `dataDir`, everything is durable under it (a crash loses nothing: the store is the truth,
 * pollers resume from their checkpoints, queues are journaled, consumers are idempotent, and the
 * watchdog re-drives stranded tasks); without it, everything lives in memory (tests).
 */
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { localDynamoClient, localDynamoStreamsClient, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../services/adapters/aws/dynamodb-client';
import { createTables } from '../../services/kernel/create-tables';
import { startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb-local/launcher';
import { startLocalEventBridge, type LocalEventBridge } from '../eventbridge/server';
import { LocalScheduler } from '../scheduler/local-scheduler';
import { SCHEDULES_TABLE } from '../../services/adapters/scheduler/schedules-table';
import { DynamoDbCheckpointStore } from '../streams/checkpoints';
import { startDynamoStreamPoller, type StreamPoller } from '../streams/dynamodb-stream-poller';
import { onTableWrites } from '../streams/write-signal';
import { wireCatalog } from './wire-catalog';
import { wireNotifier } from './wire-notifier';
import { startAgentCompute, type AgentCompute } from './agent-compute';
import type { HarnessSpec } from '../../schemas/agent/contracts';
import { ensureStream, kinesisClient, startKinesalite } from '../kinesis/kinesalite';
import { startKinesisPoller } from '../kinesis/kinesis-poller';
import { CATALOG, type CatalogEntry, type KinesisEntry, type QueueEntry, type RuleTargetEntry, type StreamEntry } from '../../services/catalog';
import { assertNever } from '../../services/kernel/decider';
import { PORT_NAMES, type Ports } from '../../services/ports/ports';
import { portsFor, type PortFactories } from '../../services/ports/registry';
import { DynamoDbEventStore } from '../../services/kernel/dynamodb-event-store';
import { EventBridgeEventBus } from '../../services/kernel/eventbridge-event-bus';
import type { EventBus } from '../../services/kernel/event-bus';
import { createLogger } from '../../services/kernel/logger';
import { CHECKPOINTS_TABLE, EVENTS_TABLE, tableName } from '../../services/kernel/tables';
import { ALL_TABLES } from '../../services/tables';
import { LocalBlobStore } from '../../services/adapters/blob-store/local-blob-store';
import { TestCompute, type TestComputeOptions } from '../../services/adapters/compute/test-compute';
import { TestGitProvider } from '../../services/adapters/git/test-git-provider';
import { recordSessionReport } from '../../services/tasks/session-monitor/session-report';
import type { AdmissionPolicyOverrides } from '../../services/users/user/admission-policy';
import type { WatchdogConfig } from '../../services/tasks/watchdog/config';
import { localPortFactories } from './local-ports';
import { createViewStores, type ViewStores } from '../../projections/view-stores';

const DEFAULT_BUS_NAME = 'abca';
const TELEMETRY_STREAM = 'abca-telemetry';

export interface PlatformOptions {
  /** Durable state lives here (DynamoDB data, bus definitions and queues, blobs). Omit for in-memory. */
  readonly dataDir?: string;
  /** Use this DynamoDB (Local) endpoint instead of starting one. */
  readonly dynamodbEndpoint?: string;
  readonly dynamodbPort?: number;
  readonly tablePrefix?: string;
  readonly eventBridgePort?: number;
  readonly busName?: string;
  readonly testCompute?: TestComputeOptions;
  readonly admission?: AdmissionPolicyOverrides;
  readonly watchdog?: Partial<WatchdogConfig>;
  /** Register the catalog's schedules (the watchdog sweep). Default true. */
  readonly schedules?: boolean;
  /** How soon a failed message is retried (queue visibility timeout). */
  readonly visibilityTimeoutMs?: number;
  /** Base delay of the bus's delivery retries. */
  readonly retryBaseDelayMs?: number;
  readonly catalog?: readonly CatalogEntry[];
  /** Wraps the bus the publisher and services use (reliability tests inject duplicates and disorder). */
  readonly decorateBus?: (bus: EventBus) => EventBus;
  /** Slack incoming-webhook URL: terminal tasks are posted there by a bus rule (no code). */
  readonly slackWebhookUrl?: string;
  /**
   * Run real agents: the local forge serves the repositories and the local compute runs
   * `agent/main.ts` with this harness per session. Without it, the test compute ends sessions on
   * its own (tests, benchmarks).
   */
  readonly agents?: {
    readonly harness: HarnessSpec;
    /** Per-repository harness override (undefined for a repository: `harness`). */
    readonly harnessFor?: (repo: string) => HarnessSpec | undefined;
    /** The forge's token (default: a fresh random one per start). Keep it stable to clone with the same URL after a restart. */
    readonly forgeToken?: string;
    readonly forgePort?: number;
    readonly stopGraceMs?: number;
    readonly reportGraceMs?: number;
    /** Seconds of silence after which agents send a heartbeat (default: half the repository's unresponsive threshold, services/tasks/session/heartbeat.ts). */
    readonly heartbeatSeconds?: number;
    /** Variables given to agents on purpose (e.g. ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL for the claude harness). */
    readonly env?: Readonly<Record<string, string>>;
  };
  /** Requests a watchdog sweep this often (in addition to, or instead of, the catalog's schedule). */
  readonly sweepEveryMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface Platform {
  readonly endpoints: { readonly dynamodb_url: string; readonly eventbridge_url: string; readonly kinesis_url: string; readonly forge_url?: string };
  /** The local forge and the real agent compute, when `agents` was given. */
  readonly agents?: AgentCompute;
  /** The telemetry stream agents write to (Kinesis API at `kinesis_url`). */
  readonly telemetryStream: string;
  /** The platform's registry: every consumer it hosts is built from it with exactly its ports. */
  readonly registry: PortFactories;
  /** Every port, as the registry builds them (tests read the stores through it). */
  readonly ports: Ports;
  readonly store: DynamoDbEventStore;
  readonly views: ViewStores;
  readonly compute: TestCompute;
  readonly eventBridge: LocalEventBridge;
  readonly dynamo: DynamoDBClient;
  readonly tablePrefix: string;
  /** Counters of the outbox: publisher invocations (stream batches) and events put on the bus. */
  stats(): { readonly publisherInvocations: number; readonly published: number };
  /** Resolves when every appended event has been published and every queue has drained. */
  quiesce(): Promise<void>;
  /** Asks the watchdog for a sweep now (re-drives stranded tasks, e.g. right after a restart). */
  requestSweep(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  const prefix = options.tablePrefix ?? 'abca';
  const busName = options.busName ?? DEFAULT_BUS_NAME;
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch((err: Error) => log('stop failed', { error: err.message }));
  };

  try {
    // DynamoDB (Local)
    let dynamoUrl = options.dynamodbEndpoint;
    if (!dynamoUrl) {
      const dbPath = options.dataDir ? ensureDir(path.join(options.dataDir, 'dynamodb')) : undefined;
      const db: DynamoDbLocal = await startDynamoDbLocal({ port: options.dynamodbPort, ...(dbPath ? { dbPath } : { inMemory: true }), log });
      stops.push(() => db.stop());
      dynamoUrl = db.endpoint;
    }
    const dynamo = localDynamoClient(dynamoUrl);
    const streams: DynamoDBStreamsClient = localDynamoStreamsClient(dynamoUrl);
    stops.push(() => {
      dynamo.destroy();
      streams.destroy();
    });
    await createTables(dynamo, ALL_TABLES, prefix);

    // EventBridge (local)
    const eventBridge = await startLocalEventBridge({
      port: options.eventBridgePort ?? 0,
      dataDir: options.dataDir ? ensureDir(path.join(options.dataDir, 'eventbridge')) : undefined,
      retryBaseDelayMs: options.retryBaseDelayMs,
      log: (level, message, fields) => (level === 'error' || level === 'warn' ? log(`[eventbridge] ${message}`, fields) : undefined),
    });
    stops.push(() => eventBridge.stop());
    const ebClient = new EventBridgeClient({ endpoint: eventBridge.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    stops.push(() => ebClient.destroy());
    await ebClient.send(new CreateEventBusCommand({ Name: busName })).catch((err: Error) => {
      if (err.name !== 'ResourceAlreadyExistsException') throw err;
    });

    // Telemetry (Kinesis, local): agents stream progress, heartbeats and final reports here.
    const kinesis = await startKinesalite({ path: options.dataDir ? ensureDir(path.join(options.dataDir, 'kinesis')) : undefined });
    stops.push(() => kinesis.stop());
    const kinesisApi = kinesisClient(kinesis.endpoint);
    stops.push(() => kinesisApi.destroy());
    await ensureStream(kinesisApi, TELEMETRY_STREAM);

    // Adapters
    const store = new DynamoDbEventStore({ client: dynamo, tableName: tableName(EVENTS_TABLE, prefix) });
    const eventBridgeBus = new EventBridgeEventBus({ client: ebClient, eventBusName: busName });
    const bus = options.decorateBus ? options.decorateBus(eventBridgeBus) : eventBridgeBus;
    const scheduler = new LocalScheduler({ client: dynamo, tableName: tableName(SCHEDULES_TABLE, prefix), target: { eventBridge: ebClient, eventBusName: busName } });
    const compute = new TestCompute(options.testCompute);
    const blobsDir = options.dataDir ? ensureDir(path.join(options.dataDir, 'blobs')) : mkdtempSync(path.join(os.tmpdir(), 'abca-blobs-'));
    const agents = options.agents
      ? await startAgentCompute({
          ...options.agents,
          // Prompts are claim-checked in the blob store: the sandboxed agent reads them there.
          readOnlyPaths: [blobsDir],
          dataDir: options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'abca-agents-')),
          kinesisUrl: kinesis.endpoint,
          telemetryStream: TELEMETRY_STREAM,
        })
      : undefined;
    if (agents) stops.push(() => agents.stop());
    const views = createViewStores({ client: dynamo, prefix });
    const blobs = new LocalBlobStore(blobsDir);
    const registry = localPortFactories({
      store,
      bus,
      scheduler,
      compute: () => agents?.compute ?? compute,
      git: agents?.git ?? new TestGitProvider(compute),
      blobs,
      views,
      dynamo,
      tablePrefix: prefix,
      admission: options.admission,
      watchdog: options.watchdog,
    });
    const ports = portsFor(PORT_NAMES, registry);
    agents?.attach(ports);
    const reportLogger = createLogger('session-monitor');
    compute.setReportSink((report) => recordSessionReport(ports, report, { logger: reportLogger }));

    // Choreography: the catalog, by kind (services/catalog-entry.ts). The queue entries become
    // rules → queues → consumers, then the notifier's rule, the outbox publisher on the events
    // table's stream and the session monitor on the telemetry stream start.
    const wiring = { queues: [] as QueueEntry[], notifier: undefined as RuleTargetEntry | undefined, publisher: undefined as StreamEntry | undefined, monitor: undefined as KinesisEntry | undefined };
    for (const entry of options.catalog ?? CATALOG) {
      switch (entry.kind) {
        case 'queue':
          wiring.queues.push(entry);
          break;
        case 'stream':
          wiring.publisher = entry;
          break;
        case 'kinesis':
          wiring.monitor = entry;
          break;
        case 'rule-target':
          // The notifier when a webhook URL is given; the task-event log is the CDK app's only (cloudOnly).
          if (entry.target === 'api-destination' && options.slackWebhookUrl) wiring.notifier = entry;
          break;
        case 'custom-resource': // CloudFormation's (Blueprints); on one machine `bgagent repo onboard` does the same
        case 'http': // the API's front door is started beside the platform (local/api, by local/start and the tests)
          break;
        default:
          assertNever(entry, 'catalog entry');
      }
    }
    if (!wiring.publisher || !wiring.monitor) throw new Error('the catalog needs its stream entry (the outbox publisher) and its kinesis entry (the session monitor)');
    await wireCatalog({
      catalog: wiring.queues,
      eventBridge,
      client: ebClient,
      busName,
      registry,
      schedules: options.schedules,
      visibilityTimeoutMs: options.visibilityTimeoutMs,
    });
    if (wiring.notifier) await wireNotifier(ebClient, busName, wiring.notifier, options.slackWebhookUrl!, eventBridge.queueArn(`abca-${wiring.notifier.name}-dlq`));
    const publisherEntry = wiring.publisher;
    const publish = publisherEntry.create(portsFor(publisherEntry.ports, registry));
    let published = 0;
    let publisherInvocations = 0;
    const publisher: StreamPoller = await startDynamoStreamPoller({
      name: publisherEntry.name,
      dynamo,
      streams,
      tableName: tableName(EVENTS_TABLE, prefix),
      batchSize: publisherEntry.eventSource.batchSize,
      handler: async (event) => {
        publisherInvocations++;
        published += event.Records.length;
        return publish(event);
      },
      checkpoints: new DynamoDbCheckpointStore(dynamo, tableName(CHECKPOINTS_TABLE, prefix)),
      log: (message, fields) => log(`[${publisherEntry.name}] ${message}`, fields),
    });
    stops.push(() => publisher.stop());
    // Appends made in this process wake the publisher at once (others are found by its idle reads).
    stops.push(onTableWrites(dynamo, tableName(EVENTS_TABLE, prefix), () => publisher.wake()));
    // The session monitor: Lambda's Kinesis event source, played by a poller with durable checkpoints.
    const monitorEntry = wiring.monitor;
    const monitor = await startKinesisPoller({
      name: monitorEntry.name,
      client: kinesisApi,
      streamName: TELEMETRY_STREAM,
      batchSize: monitorEntry.eventSource.batchSize,
      handler: monitorEntry.create(portsFor(monitorEntry.ports, registry)),
      checkpoints: new DynamoDbCheckpointStore(dynamo, tableName(CHECKPOINTS_TABLE, prefix)),
      log: (message, fields) => log(`[${monitorEntry.name}] ${message}`, fields),
    });
    stops.push(() => monitor.stop());
    agents?.watchReports(() => monitor.caughtUp());
    // Agents' puts (from their own processes) wake the monitor at once.
    stops.push(kinesis.onPut(() => monitor.wake()));
    scheduler.start();
    stops.push(() => scheduler.stop());
    const requestSweep = async () => {
      await ebClient.send(new PutEventsCommand({ Entries: [{ EventBusName: busName, Source: 'abca.watchdog', DetailType: 'SweepRequested', Detail: '{}' }] }));
    };
    if (options.sweepEveryMs) {
      const timer = setInterval(() => {
        requestSweep().catch((err: Error) => log('sweep request failed', { error: err.message }));
      }, options.sweepEveryMs);
      stops.push(() => clearInterval(timer));
    }

    return {
      endpoints: { dynamodb_url: dynamoUrl, eventbridge_url: eventBridge.url, kinesis_url: kinesis.endpoint, ...(agents ? { forge_url: agents.forge.url } : {}) },
      agents,
      telemetryStream: TELEMETRY_STREAM,
      registry,
      ports,
      store,
      views,
      compute,
      eventBridge,
      dynamo,
      tablePrefix: prefix,
      stats: () => ({ publisherInvocations, published }),
      async quiesce() {
        // Publishing makes queue work and handling makes new events: settle until a whole round
        // publishes nothing new.
        for (;;) {
          const before = published;
          await publisher.caughtUp();
          await eventBridge.idle();
          await compute.settle();
          await publisher.caughtUp();
          if (published === before) return;
        }
      },
      requestSweep,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
