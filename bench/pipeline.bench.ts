/**
 * bench:pipeline — the event pipeline on the embedded platform (test compute: sessions that end
 * on their own), through the real outbox, local EventBridge, queues, services and projections on
 * DynamoDB Local, with the real local API server and the agent's telemetry publisher on kinesalite.
 * Three phases, figures printed one per line as `name: value` (progress goes to stderr):
 *
 * 1. Latency, one task at a time on a quiet pipeline (--latency-tasks, default 100). Each stored
 *    event is followed hop by hop:
 *      hop_append_to_stream_ms     store append (recordedAt) → the publisher gets the stream record
 *      hop_stream_to_bus_ms        the publisher gets it → the bus has put it in a matching rule's
 *                                  queue (PutEvents; per event and service)
 *      hop_bus_to_consumer_ms      in the queue → that catalog service's handler starts on it
 *      hop_consumer_to_view_ms     the task-view handler starts → the view is written
 *      event_to_view_ms            store append → task view written (the sum, per event)
 *      session_end_to_view_ms      SessionEnded appended → the task view shows the terminal status
 *    each as _p50 / _p99.
 * 2. Progress (--progress-samples, default 40): an agent progress event, put on the telemetry
 *    stream by the agent's TelemetryPublisher as the agent does, until GET /v1/tasks/{id}/progress
 *    on the local API server returns it (polled every 5 ms) → progress_to_api_ms_p50 / _p99.
 * 3. Throughput, N tasks at once (--tasks, default 500; --users, --session-ms):
 *      submit_to_session_started_p50_ms / _p99_ms, session_ended_to_terminal_view_p99_ms (under
 *      that load), tasks_per_s, handler_invocations_per_task (handler runs + publisher
 *      invocations), store_writes_per_task, bus_events_per_task, polling_baseline_invocations_per_task,
 *      invocation_ratio_vs_polling.
 *
 * Then the cost of a session-hour (bench/session-hour.ts), from the configuration in force:
 *      catalog_invocations_per_task          catalog service handler runs per task (phase 1, one per event per service)
 *      publisher_invocations_per_task        outbox publisher invocations per task (phase 1)
 *      heartbeat_interval_s, unresponsive_threshold_s, telemetry_send_ms, kinesis_batching_window_s
 *      telemetry_invocations_per_session_hour        session-monitor invocations of a quiet 1-hour session
 *      invocations_per_session_hour                   the two above: telemetry + catalog services
 *      invocations_per_session_hour_busy              the same with a progress line every 30 s
 *      invocations_per_session_hour_with_publisher    the quiet hour counting the outbox publisher's invocations too
 *      polling_baseline_invocations_per_session_hour  the original: a poll every 30 s for an hour + its 5 step handlers
 *
 *   npm run bench:pipeline -- [--tasks 500] [--users N] [--session-ms 20] [--latency-tasks 100] [--progress-samples 40]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynamoDbLocal } from '../local/dynamodb-local/launcher';
import { startPlatform } from '../local/platform/platform';
import { apiDepsForPlatform } from '../local/api/api-deps';
import { startLocalApi } from '../local/api/server';
import { createApiHandler } from '../services/api/api-handler';
import { CATALOG, type CatalogEntry } from '../services/catalog';
import type { EventEnvelope } from '../services/kernel/envelope';
import type { EventBus } from '../services/kernel/event-bus';
import { LocalQueue, type QueueConsumerOptions, type QueueHandler } from '../local/eventbridge/queue';
import type { ServiceHandlers } from '../services/kernel/consumer';
import { onboardRepo } from '../services/repos/repo/onboard-repo';
import { submitTask } from '../services/tasks/task/submit-task';
import { startTelemetryPublisher, telemetryClientFor } from '../agent/telemetry/telemetry-publisher';
import { busySession, quietSession, simulateTelemetryHour } from './session-hour';
import { telemetrySettings } from './telemetry-settings';

/** The original design's orchestrator (its architecture: a durable orchestrator polling the session). */
export const POLLING_BASELINE = {
  pollIntervalSeconds: 30,
  sessionSeconds: 3600,
  /** Its deterministic steps, each a handler invocation: admission, hydration, start session, finalize, release concurrency. */
  stepInvocations: 5,
};

const TERMINAL_EVENTS = new Set(['TaskCompleted', 'TaskFailed', 'TaskCancelled', 'TaskTimedOut']);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number (got ${process.argv[i + 1]})`);
  return value;
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const log = (msg: string) => process.stderr.write(`[bench:pipeline] ${msg}\n`);
const print = (name: string, value: string | number) => {
  process.stdout.write(`${name}: ${value}\n`);
};
const printPercentiles = (name: string, values: readonly number[]) => {
  print(`${name}_p50`, Math.round(percentile(values, 50)));
  print(`${name}_p99`, Math.round(percentile(values, 99)));
};

/** Per stored event: when each hop saw it (ms, Date.now()). */
interface Trace {
  /** The publisher got the stream record. */
  streamAt?: number;
  /** Per catalog service: the bus put the event in its queue (the message's SentTimestamp). */
  queuedAt: Map<string, number>;
  /** Per catalog service: handler start. */
  consumerAt: Map<string, number>;
  viewStartAt?: number;
  viewDoneAt?: number;
}

async function main() {
  const tasks = arg('tasks', 500);
  const users = arg('users', Math.ceil(tasks / 3));
  const sessionMs = arg('session-ms', 20);
  const latencyTasks = arg('latency-tasks', 100);
  const progressSamples = arg('progress-samples', 40);

  const traces = new Map<string, Trace>();
  const trace = (eventId: string) => {
    let t = traces.get(eventId);
    if (!t) traces.set(eventId, (t = { queuedAt: new Map(), consumerAt: new Map() }));
    return t;
  };
  // When the bus put each event in each service's queue: the SQS message's SentTimestamp, read as
  // the queue hands a batch to its consumer (instrumentation of the local queue, not product code).
  const setConsumer = LocalQueue.prototype.setConsumer;
  LocalQueue.prototype.setConsumer = function (this: LocalQueue, handler: QueueHandler, options?: QueueConsumerOptions) {
    const service = this.name.replace(/^abca-/, '');
    const observed: QueueHandler = (event, context) => {
      for (const r of event.Records) {
        try {
          const id = (JSON.parse(r.body) as { detail?: { id?: string } }).detail?.id;
          if (id && !trace(id).queuedAt.has(service)) trace(id).queuedAt.set(service, Number(r.attributes.SentTimestamp));
        } catch {
          // not an event envelope (a schedule's trigger)
        }
      }
      return handler(event, context);
    };
    return setConsumer.call(this, observed, options);
  };
  // Handler runs per service, and when the task view wrote a terminal status.
  const runs = new Map<string, number>();
  let handlerRuns = 0;
  const terminalViewAt = new Map<string, number>();
  const terminalWaiters = new Map<string, () => void>();
  /** Resolves when the task view has written a terminal status for the task (no polling). */
  const terminal = (taskId: string) =>
    new Promise<void>((resolve, reject) => {
      if (terminalViewAt.has(taskId)) return resolve();
      const timer = setTimeout(() => reject(new Error(`task ${taskId} not terminal after 60 s`)), 60_000);
      terminalWaiters.set(taskId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  // Every service behind a queue (an entry with a pattern and handlers) is instrumented; other
  // entries (stream, Kinesis, rule-target, HTTP) go to the platform as they are.
  const instrument = (name: string, handlers: ServiceHandlers): ServiceHandlers => {
    return {
      ...handlers,
      onEvent: handlers.onEvent
        ? async (...[event, ctx]: Parameters<NonNullable<ServiceHandlers['onEvent']>>) => {
            handlerRuns++;
            runs.set(name, (runs.get(name) ?? 0) + 1);
            const t = trace(event.id);
            const start = Date.now();
            if (!t.consumerAt.has(name)) t.consumerAt.set(name, start);
            if (name === 'task-view') t.viewStartAt ??= start;
            await handlers.onEvent!(event, ctx);
            if (name === 'task-view') {
              t.viewDoneAt ??= Date.now();
              if (TERMINAL_EVENTS.has(event.type) && !terminalViewAt.has(event.stream.id)) {
                terminalViewAt.set(event.stream.id, Date.now());
                terminalWaiters.get(event.stream.id)?.();
                terminalWaiters.delete(event.stream.id);
              }
            }
          }
        : undefined,
      onTrigger: handlers.onTrigger
        ? async (...a: Parameters<NonNullable<ServiceHandlers['onTrigger']>>) => {
            handlerRuns++;
            await handlers.onTrigger!(...a);
          }
        : undefined,
    } satisfies ServiceHandlers;
  };
  const catalog: CatalogEntry[] = CATALOG.map((entry) =>
    isQueueService(entry) ? ({ ...entry, create: (ports: never) => instrument(entry.name, entry.create(ports)) } as unknown as CatalogEntry) : entry,
  );
  // The publisher is the bus's only caller: a publish starts when it got the stream records.
  const decorateBus = (bus: EventBus): EventBus => ({
    async publish(events) {
      const got = Date.now();
      for (const e of events) trace(e.id).streamAt ??= got;
      await bus.publish(events);
    },
  });

  const external = process.env.DYNAMODB_ENDPOINT;
  const db = external ? undefined : await startDynamoDbLocal({ inMemory: true, log });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const platform = await startPlatform({
    dynamodbEndpoint: external ?? db!.endpoint,
    tablePrefix: `bench${Date.now().toString(36)}`,
    catalog,
    decorateBus,
    schedules: false,
    admission: { maxActiveTasks: 3 },
    testCompute: { delayMs: sessionMs },
    visibilityTimeoutMs: 2000,
    retryBaseDelayMs: 50,
  });
  const secretsDir = mkdtempSync(path.join(os.tmpdir(), 'abca-bench-secrets-'));
  const apiDeps = apiDepsForPlatform(platform, { secretsDir, pageTokenSecret: 'bench-page-token-secret-of-32-chars!', requestsPerMinute: null });
  const api = await startLocalApi({ handler: createApiHandler(apiDeps) });
  try {
    const now = () => new Date();
    const submit = (userId: string, description: string) =>
      submitTask(platform.store, { userId, repo: 'bench/repo', taskDescription: description, issueNumber: null, channelSource: 'api', idempotencyKey: null }, { causationId: 'bench', actor: 'system', now: now() });
    await onboardRepo(platform.store, 'bench/repo', {}, { causationId: 'bench', actor: 'system', now: now() });
    // Warm-up (discarded): a few tasks through every service, so JIT and connections are ready.
    const warm = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(`warm-${i}`, 'warm-up')));
    await waitFor(() => warm.every((w) => terminalViewAt.has(w.taskId)), 120_000);
    await platform.quiesce();

    // ── 1. latency, one task at a time ─────────────────────────────────────────────────────────
    log(`latency: ${latencyTasks} tasks one at a time`);
    const before = { runs: new Map(runs), handlerRuns, ...platform.stats() };
    const latencyIds: string[] = [];
    for (let i = 0; i < latencyTasks; i++) {
      const { taskId } = await submit(`solo-${i}`, `solo ${i}`);
      latencyIds.push(taskId);
      await terminal(taskId);
      await platform.quiesce();
    }
    const after = platform.stats();
    const hops = { appendToStream: [] as number[], streamToBus: [] as number[], busToConsumer: [] as number[], consumerToView: [] as number[], eventToView: [] as number[] };
    const sessionEndToView: number[] = [];
    for (const id of latencyIds) {
      const events = [...(await platform.store.readStream({ type: 'Task', id }))];
      const submitted = events[0]!;
      const userEvents = (await platform.store.readStream({ type: 'User', id: (submitted.data as { userId: string }).userId })).filter((e) => (e.data as { taskId?: string }).taskId === id);
      for (const e of [...events, ...userEvents]) {
        const t = traces.get(e.id);
        if (!t?.streamAt) continue;
        const appended = Date.parse(e.recordedAt);
        hops.appendToStream.push(t.streamAt - appended);
        for (const [service, queued] of t.queuedAt) {
          hops.streamToBus.push(queued - t.streamAt);
          const consumed = t.consumerAt.get(service);
          if (consumed !== undefined) hops.busToConsumer.push(consumed - queued);
        }
        if (t.viewStartAt !== undefined && t.viewDoneAt !== undefined) {
          hops.consumerToView.push(t.viewDoneAt - t.viewStartAt);
          hops.eventToView.push(t.viewDoneAt - appended);
        }
      }
      const ended = events.find((e) => e.type === 'SessionEnded');
      if (ended && terminalViewAt.has(id)) sessionEndToView.push(terminalViewAt.get(id)! - Date.parse(ended.recordedAt));
    }
    printPercentiles('hop_append_to_stream_ms', hops.appendToStream);
    printPercentiles('hop_stream_to_bus_ms', hops.streamToBus);
    printPercentiles('hop_bus_to_consumer_ms', hops.busToConsumer);
    printPercentiles('hop_consumer_to_view_ms', hops.consumerToView);
    printPercentiles('event_to_view_ms', hops.eventToView);
    printPercentiles('session_end_to_view_ms', sessionEndToView);
    const catalogPerTask = (handlerRuns - before.handlerRuns) / latencyTasks;
    const publisherPerTask = (after.publisherInvocations - before.publisherInvocations) / latencyTasks;
    const perService = [...runs].map(([name, n]) => `${name} ${((n - (before.runs.get(name) ?? 0)) / latencyTasks).toFixed(1)}`).join(', ');
    log(`handler runs per task: ${perService}`);

    // ── 2. progress: agent → Kinesis → session monitor → GET /progress ─────────────────────────
    log(`progress: ${progressSamples} progress events through the telemetry stream to the API`);
    const watcher = 'bench-watcher';
    const { key } = await apiDeps.credentials.createApiKey({ userId: watcher, name: 'bench' }, `user:${watcher}`);
    const { taskId: watchedTask } = await submit(watcher, 'watched');
    await terminal(watchedTask);
    await platform.quiesce();
    const client = telemetryClientFor({ streamName: platform.telemetryStream, endpoint: platform.endpoints.kinesis_url, region: 'us-east-1' });
    // As the agent sends them: its publisher with its default send policy.
    const telemetry = startTelemetryPublisher({ client, streamName: platform.telemetryStream, taskId: watchedTask, sessionId: `bench-${watchedTask}`, heartbeatSeconds: 0 });
    const progressToApi: number[] = [];
    let cursor = '0';
    const getProgress = async () => {
      const res = await fetch(`${api.url}/v1/tasks/${watchedTask}/progress?after=${cursor}`, { headers: { 'X-API-Key': key } });
      if (res.status !== 200) throw new Error(`GET /progress answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { data: { events: Array<{ event: { kind: string; name?: string } }>; cursor: string } };
    };
    for (let i = 0; i < progressSamples; i++) {
      // Irregular gaps, as an agent's lines come: the sample does not lock onto any timer's phase.
      await new Promise((r) => setTimeout(r, Math.random() * 200));
      const name = `bench-line-${i}`;
      const sent = Date.now();
      telemetry.progress({ kind: 'milestone', name });
      for (;;) {
        const body = await getProgress();
        cursor = body.data.cursor;
        if (body.data.events.some((e) => e.event.name === name)) break;
        if (Date.now() - sent > 30_000) throw new Error(`progress line ${name} did not reach the API within 30 s`);
        await new Promise((r) => setTimeout(r, 5)); // a client polling hard, without starving the platform it measures
      }
      progressToApi.push(Date.now() - sent);
    }
    await telemetry.close();
    printPercentiles('progress_to_api_ms', progressToApi);

    // ── 3. throughput: N tasks at once ─────────────────────────────────────────────────────────
    const base = { runs: handlerRuns, ...platform.stats() };
    log(`throughput: ${tasks} tasks for ${users} users (cap 3, sessions of ${sessionMs} ms)`);
    const started = Date.now();
    const ids: string[] = [];
    // Submit in parallel waves, as many API handlers would.
    for (let i = 0; i < tasks; i += 25) {
      const wave = await Promise.all(Array.from({ length: Math.min(25, tasks - i) }, (_, j) => submit(`user-${(i + j) % users}`, `task ${i + j}`)));
      ids.push(...wave.map((w) => w.taskId));
    }
    let lastReport = 0;
    await waitFor(() => {
      const done = ids.filter((id) => terminalViewAt.has(id)).length;
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        log(`${done}/${tasks} terminal`);
      }
      return done === tasks;
    }, 600_000);
    const finished = Math.max(...ids.map((id) => terminalViewAt.get(id)!));
    await platform.quiesce();

    const submitToStart: number[] = [];
    const endToView: number[] = [];
    let storeWrites = 0;
    const userIds = new Set<string>();
    for (const id of ids) {
      const events = await platform.store.readStream({ type: 'Task', id });
      storeWrites += events.length;
      const at = (type: string) => events.find((e: EventEnvelope) => e.type === type);
      const submitted = at('TaskSubmitted')!;
      userIds.add((submitted.data as { userId: string }).userId);
      const sessionStarted = at('SessionStarted');
      const sessionEnded = at('SessionEnded');
      if (sessionStarted) submitToStart.push(Date.parse(sessionStarted.recordedAt) - Date.parse(submitted.recordedAt));
      if (sessionEnded) endToView.push(terminalViewAt.get(id)! - Date.parse(sessionEnded.recordedAt));
    }
    // User-stream events of the measured tasks (the other phases' users are separate).
    const idSet = new Set(ids);
    for (const userId of userIds) {
      const events = await platform.store.readStream({ type: 'User', id: userId });
      storeWrites += events.filter((e) => idSet.has((e.data as { taskId: string }).taskId)).length;
    }
    const stats = platform.stats();
    const invocations = handlerRuns - base.runs + (stats.publisherInvocations - base.publisherInvocations);
    const baseline = POLLING_BASELINE.sessionSeconds / POLLING_BASELINE.pollIntervalSeconds + POLLING_BASELINE.stepInvocations;
    const perTask = invocations / tasks;
    print('submit_to_session_started_p50_ms', Math.round(percentile(submitToStart, 50)));
    print('submit_to_session_started_p99_ms', Math.round(percentile(submitToStart, 99)));
    print('session_ended_to_terminal_view_p99_ms', Math.round(percentile(endToView, 99)));
    print('tasks_per_s', (tasks / ((finished - started) / 1000)).toFixed(2));
    print('handler_invocations_per_task', perTask.toFixed(2));
    print('store_writes_per_task', (storeWrites / tasks).toFixed(2));
    print('bus_events_per_task', ((stats.published - base.published) / tasks).toFixed(2));
    print('polling_baseline_invocations_per_task', baseline.toFixed(2));
    print('invocation_ratio_vs_polling', (perTask / baseline).toFixed(3));

    // ── the cost of a session-hour, from the configuration in force ──────────────────────────────
    const settings = telemetrySettings();
    const quiet = simulateTelemetryHour(settings, quietSession());
    const busy = simulateTelemetryHour(settings, busySession(30));
    log(
      `session-hour: heartbeats ${settings.heartbeat.mode} every ${settings.heartbeat.intervalSeconds} s (threshold ${settings.unresponsiveThresholdSeconds} s), ` +
        `agent sends ${settings.send.mode} ${settings.send.ms} ms, Kinesis event source batch ${settings.eventSource.batchSize} / window ${settings.eventSource.maxBatchingWindowSeconds} s; ` +
        `quiet hour: ${quiet.records} records (${quiet.heartbeats} heartbeats) in ${quiet.putRecordsCalls} PutRecords → ${quiet.invocations} invocations; ` +
        `busy hour: ${busy.records} records in ${busy.putRecordsCalls} PutRecords → ${busy.invocations} invocations`,
    );
    print('catalog_invocations_per_task', catalogPerTask.toFixed(2));
    print('publisher_invocations_per_task', publisherPerTask.toFixed(2));
    print('heartbeat_interval_s', settings.heartbeat.intervalSeconds);
    print('unresponsive_threshold_s', settings.unresponsiveThresholdSeconds);
    print('telemetry_send_ms', settings.send.ms);
    print('kinesis_batching_window_s', settings.eventSource.maxBatchingWindowSeconds);
    print('telemetry_invocations_per_session_hour', quiet.invocations);
    print('invocations_per_session_hour', (quiet.invocations + catalogPerTask).toFixed(1));
    print('invocations_per_session_hour_busy', (busy.invocations + catalogPerTask).toFixed(1));
    print('invocations_per_session_hour_with_publisher', (quiet.invocations + catalogPerTask + publisherPerTask).toFixed(1));
    print('polling_baseline_invocations_per_session_hour', baseline);
  } finally {
    await api.stop();
    await platform.stop();
    await db?.stop();
    rmSync(secretsDir, { recursive: true, force: true });
  }
}

/** A catalog entry served from a queue: a rule's pattern and a `create` that returns ServiceHandlers. */
function isQueueService(entry: unknown): entry is { readonly name: string; readonly pattern: unknown; readonly create: (ports: never) => ServiceHandlers } {
  const e = entry as { pattern?: unknown; create?: unknown; kind?: unknown };
  return typeof entry === 'object' && entry !== null && e.pattern !== undefined && typeof e.create === 'function' && (e.kind === undefined || e.kind === 'queue');
}

async function waitFor(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:pipeline failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
