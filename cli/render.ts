/**
 * Everything the CLI prints for people: colours (only on a TTY, never with NO_COLOR), tables,
 * durations and ages, one-line events, the task detail, the final outcome of a task.
 */
import type { TaskDetail, TaskEvent } from './types';

export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  status(status: string): string;
}

/** Colours when the stream is a TTY and NO_COLOR is unset or empty (https://no-color.org). */
export function colorEnabled(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  const red = wrap(31, 39);
  const green = wrap(32, 39);
  const yellow = wrap(33, 39);
  const cyan = wrap(36, 39);
  const dim = wrap(2, 22);
  return {
    enabled,
    bold: wrap(1, 22),
    dim,
    red,
    green,
    yellow,
    cyan,
    status(status: string): string {
      if (status === 'COMPLETED') return green(status);
      if (status === 'FAILED' || status === 'TIMED_OUT') return red(status);
      if (status === 'CANCELLED') return yellow(status);
      if (status === 'RUNNING' || status === 'FINALIZING' || status === 'HYDRATING') return cyan(status);
      return status;
    },
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const visibleLength = (s: string): number => s.replace(ANSI, '').length;

/** Collapses whitespace (newlines included) and shortens to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, style: Style): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [style.bold(line(headers)), ...rows.map(line)];
}

/** 75 → `1m15s`, 3725 → `1h02m`, 9 → `9s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** How long ago, compact: `12s`, `5m`, `3h`, `2d`. */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Local wall-clock time of an ISO timestamp, `HH:MM:SS`. */
function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function formatUsd(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(4).replace(/0{1,2}$/, '') : usd.toFixed(2)}`;
}

// ---------------------------------------------------------------- events

const pick = (meta: Record<string, unknown>, ...keys: string[]): unknown => {
  for (const k of keys) if (meta[k] !== undefined && meta[k] !== null && meta[k] !== '') return meta[k];
  return undefined;
};
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

const PROGRESS_KINDS = ['turn', 'tool_call', 'tool_result', 'milestone', 'cost_update', 'error'];

/**
 * The kind of a progress event whatever its spelling: `agent_turn`, `progress.turn`, `turn` → `turn`.
 * Undefined for a lifecycle event.
 */
export function progressKind(eventType: string): string | undefined {
  const prefixed = /^(?:agent|progress)[._-](.+)$/i.exec(eventType);
  const kind = (prefixed ? prefixed[1]! : eventType).toLowerCase();
  return PROGRESS_KINDS.includes(kind) ? kind : undefined;
}

/** `TaskSubmitted` / `task_submitted` → `task submitted`. */
function humanize(eventType: string): string {
  return eventType
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.]+/g, ' ')
    .toLowerCase();
}

/** Compact `key=value` pairs of the scalar metadata fields. */
const NOISE_KEYS = new Set(['sequence', 'seq', 'session_id', 'sessionId', 'task_id', 'taskId', 'user_id', 'userId']);

function metaSummary(meta: Record<string, unknown>, max: number): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(meta)) {
    if (v === null || v === undefined || v === '' || NOISE_KEYS.has(k)) continue;
    if (typeof v === 'object') continue;
    parts.push(`${k}=${typeof v === 'string' ? oneLine(v, 80) : String(v)}`);
  }
  return oneLine(parts.join(' '), max);
}

/** The text of an event without its time: `Turn 3: reading the tests`, `▶ Bash: npm test`, `task completed pr_url=…`. */
export function describeEvent(event: TaskEvent, style: Style, max = 200): string {
  const meta = (event.metadata ?? {}) as Record<string, unknown>;
  switch (progressKind(event.event_type)) {
    case 'turn': {
      const turn = str(pick(meta, 'turn', 'turn_number'));
      const text = str(pick(meta, 'text', 'text_preview', 'message'));
      return `${style.bold(`Turn ${turn || '?'}`)}${text ? `: ${oneLine(text, max)}` : ''}`;
    }
    case 'tool_call': {
      const tool = str(pick(meta, 'tool', 'tool_name', 'name')) || 'tool';
      const summary = str(pick(meta, 'summary', 'tool_input_preview', 'input'));
      return `  ${style.cyan('▶')} ${tool}${summary ? `: ${oneLine(summary, max)}` : ''}`;
    }
    case 'tool_result': {
      const tool = str(pick(meta, 'tool', 'tool_name'));
      const failed = meta.is_error === true ? style.red(' [error]') : '';
      const preview = str(pick(meta, 'summary', 'content_preview'));
      return `  ${style.dim('◀')} ${tool}${failed}${preview ? `: ${oneLine(preview, max)}` : ''}`;
    }
    case 'milestone': {
      const name = str(pick(meta, 'name', 'milestone'));
      const detail = str(pick(meta, 'detail', 'details'));
      return `${style.green('★')} ${name}${detail ? `: ${oneLine(detail, max)}` : ''}`;
    }
    case 'cost_update': {
      const cost = pick(meta, 'cost_usd', 'costUsd');
      const turns = pick(meta, 'turns', 'turns_completed');
      return style.dim(`cost ${typeof cost === 'number' ? formatUsd(cost) : '$?'}${turns !== undefined ? ` after ${str(turns)} turns` : ''}`);
    }
    case 'error': {
      const message = str(pick(meta, 'message', 'message_preview', 'error'));
      return `${style.red('✖')} ${oneLine(message || 'error', max)}`;
    }
    default: {
      const summary = metaSummary(meta, max);
      return `${style.bold(humanize(event.event_type))}${summary ? `  ${style.dim(summary)}` : ''}`;
    }
  }
}

/** One line per event: `12:03:04  Turn 3: …`. */
export function renderEvent(event: TaskEvent, style: Style, max = 200): string {
  return `${style.dim(formatClock(event.timestamp))}  ${describeEvent(event, style, max)}`;
}

// ---------------------------------------------------------------- tasks

const isSet = (v: unknown): boolean => v !== null && v !== undefined && v !== '';
const yesNo = (v: boolean): string => (v ? 'passed' : 'failed');

/** The fields of a TaskDetail that are set, as aligned `label: value` lines. */
export function renderTaskDetail(task: TaskDetail, style: Style, now: number): string[] {
  const rows: Array<[string, string]> = [];
  const add = (label: string, value: unknown, format: (v: never) => string = (v) => String(v)): void => {
    if (isSet(value)) rows.push([label, format(value as never)]);
  };
  add('Task', task.task_id);
  add('Status', task.status, (s: string) => style.status(s));
  add('Repo', task.repo);
  add('Issue', task.issue_number, (n: number) => `#${n}`);
  add('Description', task.task_description, (d: string) => oneLine(d, 300));
  add('PR', task.pr_url ?? (isSet(task.pr_number) ? `#${task.pr_number}` : undefined));
  add('Branch', task.branch_name);
  const ec = task.error_classification;
  if (ec) {
    add('Error', ec.title ? `${ec.category ? `[${ec.category}] ` : ''}${ec.title}` : undefined, (t: string) => style.red(t));
    add('', ec.description);
    add('Remedy', ec.remedy);
    if (typeof ec.retryable === 'boolean') add('Retryable', ec.retryable ? 'yes' : 'no');
    add('Detail', task.error_message);
  } else {
    add('Error', task.error_message, (m: string) => style.red(m));
  }
  add('Queue position', task.queue_position);
  add('Turns', task.turns_completed, (n: number) => (isSet(task.max_turns) ? `${n} / ${task.max_turns}` : String(n)));
  if (!isSet(task.turns_completed)) add('Max turns', task.max_turns);
  add('Cost', task.cost_usd, (c: number) => (isSet(task.max_budget_usd) ? `${formatUsd(c)} (budget ${formatUsd(task.max_budget_usd!)})` : formatUsd(c)));
  if (!isSet(task.cost_usd)) add('Budget', task.max_budget_usd, (b: number) => formatUsd(b));
  add('Build', task.build_passed, yesNo);
  add('Lint', task.lint_passed, yesNo);
  add('Duration', task.duration_s, (s: number) => formatDuration(s));
  add('Created', task.created_at, (t: string) => `${t} (${formatAge(t, now)} ago)`);
  add('Queued', task.queued_at);
  add('Started', task.started_at);
  add('Completed', task.completed_at);
  add('Updated', task.updated_at);
  add('Channel', task.channel_source);
  add('Session', task.session_id);
  add('Prompt version', task.prompt_version);
  const width = Math.max(...rows.map(([l]) => l.length)) + 1;
  return rows.map(([label, value]) => `${style.dim((label ? `${label}:` : '').padEnd(width))} ${value}`);
}

/** `RUNNING · 2m13s · turn 4/100 · $0.12` (the spinner's text while waiting). */
export function progressSummary(task: TaskDetail, now: number): string {
  const parts: string[] = [task.status];
  if (task.status === 'QUEUED' && isSet(task.queue_position)) parts.push(`position ${task.queue_position}`);
  const since = task.started_at ?? task.created_at;
  if (since && !Number.isNaN(Date.parse(since))) parts.push(formatDuration((now - Date.parse(since)) / 1000));
  if (isSet(task.turns_completed)) parts.push(`turn ${task.turns_completed}${isSet(task.max_turns) ? `/${task.max_turns}` : ''}`);
  if (isSet(task.cost_usd)) parts.push(formatUsd(task.cost_usd!));
  return parts.join(' · ');
}

/** The last lines after a task ended: outcome, duration and cost, the PR, the error and its remedy. */
export function renderOutcome(task: TaskDetail, style: Style): string[] {
  const facts: string[] = [];
  if (isSet(task.duration_s)) facts.push(`in ${formatDuration(task.duration_s!)}`);
  if (isSet(task.cost_usd)) facts.push(formatUsd(task.cost_usd!));
  const head = `Task ${task.task_id} ${style.status(task.status)}${facts.length ? ` ${facts.join(' · ')}` : ''}`;
  const lines = [task.status === 'COMPLETED' ? `${style.green('✔')} ${head}` : `${style.red('✖')} ${head}`];
  const ec = task.error_classification;
  if (task.status !== 'COMPLETED') {
    if (ec?.title) lines.push(`  ${style.red(ec.title)}${task.error_message ? ` — ${oneLine(task.error_message, 300)}` : ''}`);
    else if (task.error_message) lines.push(`  ${style.red(oneLine(task.error_message, 300))}`);
    if (ec?.remedy) lines.push(`  Remedy: ${ec.remedy}`);
  }
  if (task.pr_url) lines.push(`PR: ${task.pr_url}`);
  return lines;
}

// ---------------------------------------------------------------- webhooks, keys, repositories

/** The first of `keys` that the row has as a string or number, as text ('' when none). */
export function field(row: Record<string, unknown>, ...keys: string[]): string {
  for (const k of keys) {
    const v = row[k];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return '';
}

/** `active` / `revoked`: the row's status, or derived from revoked_at. */
export function rowStatus(row: Record<string, unknown>): string {
  return field(row, 'status') || (row.revoked_at ? 'revoked' : 'active');
}
