/** Validation on receive of telemetry records. */
import { parseTelemetryRecord } from './telemetry-record';

const base = { taskId: '01JH5Z8Q3W4E5R6T7Y8U9V0WXY', sessionId: 's-01JH5Z8Q3W4E5R6T7Y8U9V0WXY-1', seq: 3, at: '2026-01-01T00:00:00.000Z' };
const report = { outcome: 'success', error: null, turns: 3, costUsd: 0.5, commits: 1, prUrl: 'https://x/pull/1', prNumber: 1, buildPassed: true, lintPassed: null };
const parse = (value: unknown) => parseTelemetryRecord(Buffer.from(JSON.stringify(value)));

test('well-formed records of each type parse', () => {
  expect(parse({ ...base, type: 'heartbeat' })).toEqual({ ok: true, record: { ...base, type: 'heartbeat' } });
  expect(parse({ ...base, type: 'progress', event: { kind: 'turn', turn: 2 } })).toEqual({ ok: true, record: { ...base, type: 'progress', event: { kind: 'turn', turn: 2 } } });
  for (const event of [
    { kind: 'tool_call', tool: 'Bash', summary: 'ls' },
    { kind: 'milestone', name: 'pushed', detail: 'main' },
    { kind: 'cost_update', costUsd: 0.2, turns: 3 },
    { kind: 'error', message: 'oops' },
  ]) {
    expect(parse({ ...base, type: 'progress', event })).toEqual({ ok: true, record: { ...base, type: 'progress', event } });
  }
  expect(parse({ ...base, type: 'final_report', report })).toEqual({ ok: true, record: { ...base, type: 'final_report', report } });
});

test('extra fields are dropped and long texts cut', () => {
  const parsed = parse({ ...base, type: 'final_report', extra: 1, report: { ...report, outcome: 'error', error: 'e'.repeat(9000), secret: 'x' } });
  expect(parsed.ok).toBe(true);
  if (!parsed.ok) return;
  expect(parsed.record).not.toHaveProperty('extra');
  expect(parsed.record.type === 'final_report' && parsed.record.report).not.toHaveProperty('secret');
  expect(parsed.record.type === 'final_report' && parsed.record.report.error).toHaveLength(4000);
});

test.each([
  ['not JSON', Buffer.from('{nope'), /not JSON/],
  ['an array', Buffer.from('[]'), /not a JSON object/],
  ['an unknown type', Buffer.from(JSON.stringify({ ...base, type: 'chat' })), /type must be/],
  ['a bad seq', Buffer.from(JSON.stringify({ ...base, type: 'heartbeat', seq: 0 })), /seq must be/],
  ['a bad time', Buffer.from(JSON.stringify({ ...base, type: 'heartbeat', at: 'yesterday' })), /at must be/],
  ['a bad task id', Buffer.from(JSON.stringify({ ...base, type: 'heartbeat', taskId: 'a b' })), /taskId/],
  ['an unknown event kind', Buffer.from(JSON.stringify({ ...base, type: 'progress', event: { kind: 'chat' } })), /event.kind/],
  ['a negative cost', Buffer.from(JSON.stringify({ ...base, type: 'progress', event: { kind: 'cost_update', costUsd: -1, turns: 1 } })), /costUsd/],
  ['a report without outcome', Buffer.from(JSON.stringify({ ...base, type: 'final_report', report: { ...report, outcome: 'maybe' } })), /report.outcome/],
  ['a report with a bad PR number', Buffer.from(JSON.stringify({ ...base, type: 'final_report', report: { ...report, prNumber: 0 } })), /report.prNumber/],
])('%s is refused with the reason', (_, data, reason) => {
  const parsed = parseTelemetryRecord(data);
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(parsed.issues.join('; ')).toMatch(reason);
});
