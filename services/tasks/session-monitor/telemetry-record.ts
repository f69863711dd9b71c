/**
 * Validation on receive of the agent's telemetry records (schemas/agent/contracts.ts TelemetryRecord). The
 * agent runs untrusted work in its sandbox, so nothing it sends is taken on faith: a record that is
 * not well-formed is reported with the reasons and skipped by the consumer (retrying it cannot help).
 */
import type { FinalReport, ProgressEvent, TelemetryRecord } from '../../../schemas/agent/contracts';

export type ParsedTelemetry = { readonly ok: true; readonly record: TelemetryRecord } | { readonly ok: false; readonly issues: readonly string[] };

const MAX_ID = 256;
const MAX_TEXT = 4000;
const ID_PATTERN = /^[A-Za-z0-9._:@|/#-]+$/;

/** Parses a record's bytes (UTF-8 JSON). Text fields beyond 4000 characters are cut, not refused. */
export function parseTelemetryRecord(data: Buffer | string): ParsedTelemetry {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (err) {
    return { ok: false, issues: [`not JSON: ${(err as Error).message}`] };
  }
  const issues: string[] = [];
  if (!isObject(value)) return { ok: false, issues: ['not a JSON object'] };
  const { type, taskId, sessionId, seq, at } = value;
  if (type !== 'progress' && type !== 'heartbeat' && type !== 'final_report') issues.push(`type must be progress, heartbeat or final_report (got ${JSON.stringify(type)})`);
  if (!isId(taskId)) issues.push('taskId must be a non-empty identifier');
  if (!isId(sessionId)) issues.push('sessionId must be a non-empty identifier');
  if (!(Number.isSafeInteger(seq) && (seq as number) >= 1)) issues.push(`seq must be a whole number ≥ 1 (got ${JSON.stringify(seq)})`);
  if (!(typeof at === 'string' && !Number.isNaN(Date.parse(at)))) issues.push('at must be an ISO-8601 time');
  const base = { taskId: taskId as string, sessionId: sessionId as string, seq: seq as number, at: at as string };
  if (type === 'progress') {
    const event = parseEvent(value.event, issues);
    return issues.length > 0 ? { ok: false, issues } : { ok: true, record: { type, ...base, event: event! } };
  }
  if (type === 'final_report') {
    const report = parseReport(value.report, issues);
    return issues.length > 0 ? { ok: false, issues } : { ok: true, record: { type, ...base, report: report! } };
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, record: { type: 'heartbeat', ...base } };
}

function parseEvent(e: unknown, issues: string[]): ProgressEvent | undefined {
  if (!isObject(e)) {
    issues.push('event must be an object');
    return undefined;
  }
  const text = (name: string, v: unknown, optional = false): string | undefined => {
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string') issues.push(`event.${name} must be a string`);
    return typeof v === 'string' ? cut(v) : undefined;
  };
  const count = (name: string, v: unknown): number => {
    if (!(Number.isSafeInteger(v) && (v as number) >= 0)) issues.push(`event.${name} must be a whole number ≥ 0`);
    return v as number;
  };
  switch (e.kind) {
    case 'turn': {
      const t = text('text', e.text, true);
      return { kind: 'turn', turn: count('turn', e.turn), ...(t === undefined ? {} : { text: t }) };
    }
    case 'tool_call':
      return { kind: 'tool_call', tool: text('tool', e.tool)!, summary: text('summary', e.summary)! };
    case 'milestone': {
      const detail = text('detail', e.detail, true);
      return { kind: 'milestone', name: text('name', e.name)!, ...(detail === undefined ? {} : { detail }) };
    }
    case 'cost_update':
      if (!(typeof e.costUsd === 'number' && Number.isFinite(e.costUsd) && e.costUsd >= 0)) issues.push('event.costUsd must be a number ≥ 0');
      return { kind: 'cost_update', costUsd: e.costUsd as number, turns: count('turns', e.turns) };
    case 'error':
      return { kind: 'error', message: text('message', e.message)! };
    default:
      issues.push(`event.kind must be turn, tool_call, milestone, cost_update or error (got ${JSON.stringify(e.kind)})`);
      return undefined;
  }
}

function parseReport(r: unknown, issues: string[]): FinalReport | undefined {
  if (!isObject(r)) {
    issues.push('report must be an object');
    return undefined;
  }
  const nullable = <T>(name: string, v: unknown, ok: (v: unknown) => boolean, what: string): T | null => {
    if (v === null) return null;
    if (!ok(v)) issues.push(`report.${name} must be ${what} or null`);
    return v as T;
  };
  const count = (name: string, v: unknown): number => {
    if (!(Number.isSafeInteger(v) && (v as number) >= 0)) issues.push(`report.${name} must be a whole number ≥ 0`);
    return v as number;
  };
  if (r.outcome !== 'success' && r.outcome !== 'error') issues.push('report.outcome must be success or error');
  if (!(typeof r.costUsd === 'number' && Number.isFinite(r.costUsd) && r.costUsd >= 0)) issues.push('report.costUsd must be a number ≥ 0');
  const error = nullable<string>('error', r.error, (v) => typeof v === 'string', 'a string');
  return {
    outcome: r.outcome as FinalReport['outcome'],
    error: typeof error === 'string' ? cut(error) : null,
    turns: count('turns', r.turns),
    costUsd: r.costUsd as number,
    commits: count('commits', r.commits),
    prUrl: nullable<string>('prUrl', r.prUrl, (v) => typeof v === 'string' && v.length <= 1024, 'a URL (≤ 1024 characters)'),
    prNumber: nullable<number>('prNumber', r.prNumber, (v) => Number.isSafeInteger(v) && (v as number) >= 1, 'a whole number ≥ 1'),
    buildPassed: nullable<boolean>('buildPassed', r.buildPassed, (v) => typeof v === 'boolean', 'a boolean'),
    lintPassed: nullable<boolean>('lintPassed', r.lintPassed, (v) => typeof v === 'boolean', 'a boolean'),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID && ID_PATTERN.test(v);
}

function cut(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
