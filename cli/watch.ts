/**
 * Following a task until it ends — the one loop behind `watch`, `submit --wait` and `status --wait`.
 *
 * Each round reads the task (GET /v1/tasks/{id}) and then every event after the last one seen
 * (GET /v1/tasks/{id}/events?after=<event_id>, page after page while has_more): the lifecycle and
 * the agent's progress in one ordered list. The task is read first so that, once it is terminal,
 * the events read next include everything up to its end. Each event is handed over once (event ids
 * are remembered), in the order the API gives them. When the task has ended, the list is read once
 * more from the start, so an event that arrived late (sorted before the cursor) is still shown.
 *
 * Between rounds it waits `intervalMs` — or, right after a round that brought new events, much less
 * (FAST_POLL_MS, doubling back to `intervalMs` while nothing new comes): an agent's progress comes
 * in runs, so while it talks the lines show as they arrive, and an idle task costs no more requests.
 */
import { abortableSleep, type ApiClient } from './api-client';
import type { Context } from './command';
import { oneLine, progressSummary, renderEvent, renderOutcome, type OutStream, type Style } from './render';
import { Spinner } from './spinner';
import { isTerminal, type TaskDetail, type TaskEvent } from './types';

const EVENTS_PAGE = 100;
/** The wait after a round that brought new events. */
const FAST_POLL_MS = 200;
const MAX_PAGES_PER_ROUND = 1000;

interface FollowOptions {
  readonly client: ApiClient;
  readonly taskId: string;
  readonly signal: AbortSignal;
  readonly intervalMs: number;
  /** Called once per new event, in order. Without it no events are read (status --wait). */
  readonly onEvent?: (event: TaskEvent) => void;
  /** Called with the task after each read of it. */
  readonly onTask?: (task: TaskDetail) => void;
  /** Start after this event id (default: from the first event). */
  readonly after?: string;
}

/** Polls until the task is terminal and returns its last state; rejects with the abort reason on Ctrl-C. */
async function followTask(options: FollowOptions): Promise<TaskDetail> {
  const seen = new Set<string>();
  let cursor = options.after;
  let wait = options.intervalMs;
  for (let round = 0; ; round++) {
    const known = seen.size;
    const task = await options.client.getTask(options.taskId);
    options.onTask?.(task);
    if (options.onEvent) cursor = await drainEvents(options, cursor, seen, options.onEvent);
    if (isTerminal(task.status)) {
      // An event that reached the list late, sorted before the cursor, is not after it: once the
      // task has ended, the whole list is read once more for anything not seen yet. Not needed when
      // the whole list was just read from the start in this same round.
      if (options.onEvent && (round > 0 || options.after !== undefined)) await reconcile(options, seen, options.onEvent);
      return task;
    }
    wait = seen.size > known ? Math.min(options.intervalMs, FAST_POLL_MS) : Math.min(options.intervalMs, wait * 2);
    await abortableSleep(wait, options.signal);
  }
}

async function reconcile(options: FollowOptions, seen: Set<string>, onEvent: (event: TaskEvent) => void): Promise<void> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_ROUND; page++) {
    const result = await options.client.listEvents(options.taskId, { after: options.after, limit: EVENTS_PAGE, next_token: nextToken });
    for (const event of result.data) {
      if (seen.has(event.event_id)) continue;
      seen.add(event.event_id);
      onEvent(event);
    }
    if (!result.pagination?.has_more || !result.pagination.next_token || result.pagination.next_token === nextToken) return;
    nextToken = result.pagination.next_token;
  }
}

async function drainEvents(
  options: FollowOptions,
  after: string | undefined,
  seen: Set<string>,
  onEvent: (event: TaskEvent) => void,
): Promise<string | undefined> {
  let cursor = after;
  for (let page = 0; page < MAX_PAGES_PER_ROUND; page++) {
    const result = await options.client.listEvents(options.taskId, { after: cursor, limit: EVENTS_PAGE });
    const before = cursor;
    for (const event of result.data) {
      cursor = event.event_id;
      if (seen.has(event.event_id)) continue;
      seen.add(event.event_id);
      onEvent(event);
    }
    if (!result.pagination?.has_more || result.data.length === 0 || cursor === before) break;
  }
  return cursor;
}

export interface WatchOptions {
  /** `lines`: readable lines; `ndjson`: one JSON event per line on stdout; `none`: only wait. */
  readonly events: 'lines' | 'ndjson' | 'none';
  /** Print the outcome (PR URL, error and remedy) when the task ends. */
  readonly outcome: boolean;
  /** Show only the events after this one. */
  readonly after?: string;
}

/** Exit code of a finished task: 0 when COMPLETED, 1 otherwise. */
export const exitCodeFor = (task: TaskDetail): number => (task.status === 'COMPLETED' ? 0 : 1);

/**
 * Follows a task and shows it: new events as lines (or NDJSON), a spinner with the status, elapsed
 * time, turns and cost on a TTY while waiting. Human lines go to stdout, or to stderr when stdout
 * carries JSON. Returns the task's final state.
 */
export async function watchTask(ctx: Context, taskId: string, options: WatchOptions): Promise<TaskDetail> {
  const human: OutStream = ctx.json ? ctx.io.stderr : ctx.io.stdout;
  const style: Style = ctx.json ? ctx.errStyle : ctx.style;
  const spinner = new Spinner(human, options.events !== 'ndjson');
  const width = human.isTTY && human.columns ? Math.max(40, human.columns - 12) : 200;
  if (options.events !== 'ndjson' && spinner.active) spinner.update(`waiting for task ${taskId}…`);

  let printed = 0;
  const onEvent =
    options.events === 'none'
      ? undefined
      : (event: TaskEvent): void => {
          printed++;
          if (options.events === 'ndjson') ctx.io.stdout.write(`${JSON.stringify(event)}\n`);
          else spinner.print(renderEvent(event, style, width));
        };
  try {
    const task = await followTask({
      client: ctx.client(),
      taskId,
      signal: ctx.signal,
      intervalMs: ctx.pollIntervalMs,
      onEvent,
      after: options.after,
      onTask: (t) => spinner.update(oneLine(progressSummary(t, ctx.now()), 200)),
    });
    spinner.stop();
    if (options.outcome && options.events !== 'ndjson') {
      if (printed > 0) human.write('\n');
      for (const line of renderOutcome(task, style)) human.write(`${line}\n`);
    }
    return task;
  } catch (err) {
    spinner.stop();
    if (ctx.signal.aborted) {
      ctx.err(`\nStopped watching; task ${taskId} keeps running (bgagent watch ${taskId} to follow it again, bgagent cancel ${taskId} to stop it).`);
    }
    throw err;
  }
}
