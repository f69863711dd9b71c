/**
 * The progress view: per task, what its agent reported while it ran (last progress lines, last
 * heartbeat, turns and cost so far), folded from the telemetry stream (schemas/agent/contracts.ts
 * TelemetryRecord), plus the ports of its stores.
 *
 * Telemetry is delivered at least once and, after a partly failed PutRecords, not always in order.
 * `mergeTelemetry` is therefore a merge, not a step: the view depends only on the SET of records
 * seen (lines are kept by `seq`, times and counters by maximum), so duplicates change nothing and
 * an older record arriving late lands where its `seq` puts it. Nothing regresses.
 *
 * Assumption: `seq` numbers the records of a task's session and a task has one session
 * (services/tasks/session/start-session.ts sessionIdFor). A later second session would continue the
 * numbering (TelemetryPublisher `firstSeq`).
 */
import type { ProgressEvent, TelemetryRecord } from '../../schemas/agent/contracts';

/** Progress lines a view keeps (the latest by seq). */
export const DEFAULT_MAX_LINES = 50;
/** A line's text in the view is cut to this (the full event is in the progress events table). */
const MAX_LINE_TEXT = 1000;

interface ProgressLine {
  readonly seq: number;
  readonly at: string;
  readonly kind: ProgressEvent['kind'];
  readonly text: string;
}

export interface ProgressView {
  readonly taskId: string;
  /** The session of the record with the highest seq. */
  readonly sessionId: string;
  /** The highest seq folded in. */
  readonly lastSeq: number;
  /** The latest lines by seq, oldest first (cost updates feed `turns` / `costUsd`, not lines). */
  readonly lines: readonly ProgressLine[];
  readonly lastHeartbeatAt: string | null;
  /** The latest `at` of any record (progress, heartbeat, final report): the last sign of life. */
  readonly lastSeenAt: string;
  readonly turns: number;
  readonly costUsd: number;
  /** Bumped by every write of the stored item (optimistic concurrency); not part of the content. */
  readonly revision: number;
}

export type ProgressRecord = Extract<TelemetryRecord, { type: 'progress' }>;

/** One stored progress record (the progress events table). */
export interface ProgressEventItem {
  readonly taskId: string;
  readonly sessionId: string;
  readonly seq: number;
  readonly at: string;
  /** When the platform stored it (its clock, not the agent's); absent on records stored before it was kept. */
  readonly recordedAt?: string;
  readonly event: ProgressEvent;
}

export interface ProgressPage {
  readonly items: readonly ProgressEventItem[];
  /** Pass as `after` for the next page; absent on the last page. */
  readonly nextAfter?: number;
}

/** Reads and writes of the progress view. */
export interface ProgressViewStore {
  get(taskId: string): Promise<ProgressView | undefined>;
  /** Merges `records` (of this task) into the stored view; `unchanged` when they add nothing (duplicates). */
  apply(taskId: string, records: readonly TelemetryRecord[]): Promise<'saved' | 'unchanged'>;
}

/** What the watchdog reads (the heartbeats port): the last sign of life of a task's agent. */
export interface HeartbeatReader {
  lastHeartbeatAt(taskId: string): Promise<string | null>;
}

/** The append-only progress records of a task, by seq. */
export interface ProgressEventStore {
  /** Stores the records (a record already stored is written again, identically). */
  append(records: readonly ProgressRecord[]): Promise<void>;
  /** The task's progress records with seq > `after` (default: from the start), in seq order. */
  listProgress(taskId: string, options: { readonly after?: number; readonly limit: number }): Promise<ProgressPage>;
}

/**
 * The view after `records` (those of other tasks are ignored); null when `view` is null and no
 * record is for this task. Pure, idempotent and order-insensitive (see above). Keeps `revision`.
 */
export function mergeTelemetry(
  view: ProgressView | null,
  taskId: string,
  records: readonly TelemetryRecord[],
  maxLines: number = DEFAULT_MAX_LINES,
): ProgressView | null {
  const mine = records.filter((r) => r.taskId === taskId);
  if (mine.length === 0) return view;
  const lines = new Map<number, ProgressLine>((view?.lines ?? []).map((l) => [l.seq, l]));
  let { sessionId, lastSeq, lastHeartbeatAt, lastSeenAt, turns, costUsd } = view ?? {
    sessionId: mine[0]!.sessionId,
    lastSeq: 0,
    lastHeartbeatAt: null as string | null,
    lastSeenAt: '',
    turns: 0,
    costUsd: 0,
  };
  for (const r of mine) {
    // The highest seq names the session; on a tie the smaller session id wins (any fixed rule keeps the merge order-insensitive).
    if (r.seq > lastSeq || (r.seq === lastSeq && r.sessionId < sessionId)) sessionId = r.sessionId;
    lastSeq = Math.max(lastSeq, r.seq);
    lastSeenAt = latest(lastSeenAt, r.at);
    if (r.type === 'heartbeat') lastHeartbeatAt = latest(lastHeartbeatAt ?? '', r.at);
    if (r.type === 'final_report') {
      turns = Math.max(turns, r.report.turns);
      costUsd = Math.max(costUsd, r.report.costUsd);
    }
    if (r.type === 'progress') {
      const e = r.event;
      if (e.kind === 'turn') turns = Math.max(turns, e.turn);
      if (e.kind === 'cost_update') {
        turns = Math.max(turns, e.turns);
        costUsd = Math.max(costUsd, e.costUsd);
      }
      const text = lineText(e);
      // A seq seen before keeps its line: the same record again, never a different one.
      if (text !== null && !lines.has(r.seq)) lines.set(r.seq, { seq: r.seq, at: normalTime(r.at), kind: e.kind, text });
    }
  }
  const kept = [...lines.values()].sort((a, b) => a.seq - b.seq).slice(-Math.max(0, maxLines));
  return { taskId, sessionId, lastSeq, lines: kept, lastHeartbeatAt, lastSeenAt, turns, costUsd, revision: view?.revision ?? 0 };
}

/** Same content (revision aside). */
export function sameProgress(a: ProgressView | null, b: ProgressView | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify({ ...a, revision: 0 }) === JSON.stringify({ ...b, revision: 0 });
}

/** The line a progress event shows as; null for events that only update counters (cost updates). */
export function lineText(event: ProgressEvent): string | null {
  switch (event.kind) {
    case 'turn':
      return cut(event.text ? `Turn ${event.turn}: ${event.text}` : `Turn ${event.turn}`);
    case 'tool_call':
      return cut(`${event.tool}: ${event.summary}`);
    case 'milestone':
      return cut(event.detail ? `${event.name}: ${event.detail}` : event.name);
    case 'error':
      return cut(`Error: ${event.message}`);
    case 'cost_update':
      return null;
  }
}

/** The later of two ISO times ('' is before everything); normalised to toISOString(). */
function latest(a: string, b: string): string {
  const nb = normalTime(b);
  if (a === '') return nb;
  return Date.parse(nb) > Date.parse(a) ? nb : a;
}

function normalTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

function cut(text: string): string {
  return text.length <= MAX_LINE_TEXT ? text : `${text.slice(0, MAX_LINE_TEXT - 1)}…`;
}
