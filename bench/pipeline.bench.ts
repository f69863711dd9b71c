/**
 * bench:pipeline — N tasks end to end on the embedded platform with the test compute (sessions
 * that end on their own), through the real outbox, local EventBridge, queues, services and
 * projections on DynamoDB Local. Prints, one per line:
 *
 *   submit_to_session_started_p50_ms / _p99_ms   TaskSubmitted → SessionStarted (store clock)
 *   session_ended_to_terminal_view_p99_ms        SessionEnded stored → terminal status written to the task view
 *   tasks_per_s                                  N / (first submit → last terminal view)
 *   handler_invocations_per_task                 service handler runs (one per event per service) + publisher invocations, / N
 *   store_writes_per_task                        events appended to the store (task + user streams), / N
 *   bus_events_per_task                          events put on the bus by the outbox, / N
 *   polling_baseline_invocations_per_task        the original design: an orchestrator polling every 30 s over a
 *                                                1-hour session, plus its step handler invocations
 *   invocation_ratio_vs_polling                  ours / baseline
 *
 *   npm run bench:pipeline -- [--tasks 500] [--users N] [--session-ms 20]
 * Progress goes to stderr.
 */
import { startDynamoDbLocal } from '../local/dynamodb-local/launcher';
import { startPlatform } from '../local/platform/platform';
import { CATALOG, type CatalogEntry } from '../services/catalog';
import type { EventEnvelope } from '../services/kernel/envelope';
import { onboardRepo } from '../services/repos/repo/onboard-repo';
import { submitTask } from '../services/tasks/task/submit-task';
import { TERMINAL_EVENT_STATUS } from '../services/tasks/task/task-state';

/** The original design's orchestrator (see ../shared/reference/original-architecture.txt). */
export const POLLING_BASELINE = {
  pollIntervalSeconds: 30,
  sessionSeconds: 3600,
  /** Its deterministic steps, each a handler invocation: admission, hydration, start session, finalize, release concurrency. */
  stepInvocations: 5,
};

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number (got ${process.argv[i + 1]})`);
  return value;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const log = (msg: string) => process.stderr.write(`[bench:pipeline] ${msg}\n`);

async function main() {
  const tasks = arg('tasks', 500);
  const users = arg('users', Math.ceil(tasks / 3));
  const sessionMs = arg('session-ms', 20);

  // Count service handler runs, and note when the task view writes a terminal status.
  let handlerRuns = 0;
  const terminalViewAt = new Map<string, number>();
  const catalog: CatalogEntry[] = CATALOG.map((entry) => ({
    ...entry,
    create: (deps) => {
      const handlers = entry.create(deps);
      return {
        onEvent: handlers.onEvent
          ? async (event, ctx) => {
              handlerRuns++;
              await handlers.onEvent!(event, ctx);
              if (entry.name === 'task-view' && event.type in TERMINAL_EVENT_STATUS && !terminalViewAt.has(event.stream.id)) terminalViewAt.set(event.stream.id, Date.now());
            }
          : undefined,
        onTrigger: handlers.onTrigger
          ? async (trigger, ctx) => {
              handlerRuns++;
              await handlers.onTrigger!(trigger, ctx);
            }
          : undefined,
      };
    },
  }));

  const external = process.env.DYNAMODB_ENDPOINT;
  const db = external ? undefined : await startDynamoDbLocal({ inMemory: true, log });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const platform = await startPlatform({
    dynamodbEndpoint: external ?? db!.endpoint,
    tablePrefix: `bench${Date.now().toString(36)}`,
    catalog,
    schedules: false,
    admission: { maxActiveTasks: 3 },
    testCompute: { delayMs: sessionMs },
    visibilityTimeoutMs: 2000,
    retryBaseDelayMs: 50,
  });
  try {
    const now = () => new Date();
    await onboardRepo(platform.store, 'bench/repo', {}, { causationId: 'bench', actor: 'system', now: now() });
    // Warm-up (discarded): a few tasks through every service, so JIT and connections are ready.
    const warm = await Promise.all(Array.from({ length: 10 }, (_, i) => submitTask(platform.store, { userId: `warm-${i}`, repo: 'bench/repo', taskDescription: 'warm-up', issueNumber: null, channelSource: 'api', idempotencyKey: null }, { causationId: 'bench', actor: 'system', now: now() })));
    await waitFor(() => warm.every((w) => terminalViewAt.has(w.taskId)), 120_000);
    await platform.quiesce();
    const base = { runs: handlerRuns, ...platform.stats() };

    log(`submitting ${tasks} tasks for ${users} users (cap 3, sessions of ${sessionMs} ms)`);
    const started = Date.now();
    const ids: string[] = [];
    // Submit in parallel waves, as many API handlers would.
    for (let i = 0; i < tasks; i += 25) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(25, tasks - i) }, (_, j) =>
          submitTask(platform.store, { userId: `user-${(i + j) % users}`, repo: 'bench/repo', taskDescription: `task ${i + j}`, issueNumber: null, channelSource: 'api', idempotencyKey: null }, { causationId: 'bench', actor: 'system', now: now() }),
        ),
      );
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
    // User-stream events of the measured tasks (the warm-up users are separate).
    for (const userId of userIds) {
      const events = await platform.store.readStream({ type: 'User', id: userId });
      storeWrites += events.filter((e) => ids.includes((e.data as { taskId: string }).taskId)).length;
    }
    const stats = platform.stats();
    const invocations = handlerRuns - base.runs + (stats.publisherInvocations - base.publisherInvocations);
    const baseline = POLLING_BASELINE.sessionSeconds / POLLING_BASELINE.pollIntervalSeconds + POLLING_BASELINE.stepInvocations;
    const perTask = invocations / tasks;
    log(`baseline: a poll every ${POLLING_BASELINE.pollIntervalSeconds} s over ${POLLING_BASELINE.sessionSeconds} s + ${POLLING_BASELINE.stepInvocations} step handlers`);
    const lines = {
      submit_to_session_started_p50_ms: Math.round(percentile(submitToStart, 50)),
      submit_to_session_started_p99_ms: Math.round(percentile(submitToStart, 99)),
      session_ended_to_terminal_view_p99_ms: Math.round(percentile(endToView, 99)),
      tasks_per_s: (tasks / ((finished - started) / 1000)).toFixed(2),
      handler_invocations_per_task: perTask.toFixed(2),
      store_writes_per_task: (storeWrites / tasks).toFixed(2),
      bus_events_per_task: ((stats.published - base.published) / tasks).toFixed(2),
      polling_baseline_invocations_per_task: baseline.toFixed(2),
      invocation_ratio_vs_polling: (perTask / baseline).toFixed(3),
    };
    for (const [k, v] of Object.entries(lines)) process.stdout.write(`${k}: ${v}\n`);
  } finally {
    await platform.stop();
    await db?.stop();
  }
}

async function waitFor(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:pipeline failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
