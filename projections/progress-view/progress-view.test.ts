/** mergeTelemetry: the progress view depends only on the set of records seen. */
import fc from 'fast-check';
import type { ProgressEvent, TelemetryRecord } from '../../schemas/agent/contracts';
import { lineText, mergeTelemetry, sameProgress, type ProgressView } from './progress-view';

const T = 'task-1';
const S = 's-task-1-1';
const at = (seq: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
const progress = (seq: number, event: ProgressEvent): TelemetryRecord => ({ type: 'progress', taskId: T, sessionId: S, seq, at: at(seq), event });
const heartbeat = (seq: number): TelemetryRecord => ({ type: 'heartbeat', taskId: T, sessionId: S, seq, at: at(seq) });

/** A plausible session: heartbeats, turns with tool calls, cost updates, milestones, an error. */
function session(n: number): TelemetryRecord[] {
  const out: TelemetryRecord[] = [];
  let turn = 0;
  for (let seq = 1; seq <= n; seq++) {
    switch (seq % 5) {
      case 0:
        out.push(heartbeat(seq));
        break;
      case 1:
        out.push(progress(seq, { kind: 'turn', turn: ++turn, text: `thinking ${turn}` }));
        break;
      case 2:
        out.push(progress(seq, { kind: 'tool_call', tool: 'Bash', summary: `npm test #${seq}` }));
        break;
      case 3:
        out.push(progress(seq, { kind: 'cost_update', costUsd: seq / 100, turns: turn }));
        break;
      default:
        out.push(progress(seq, seq % 2 ? { kind: 'error', message: 'flaky' } : { kind: 'milestone', name: 'committed', detail: `c${seq}` }));
    }
  }
  return out;
}

const fold = (records: readonly TelemetryRecord[], maxLines = 50, batch = 1): ProgressView | null => {
  let view: ProgressView | null = null;
  for (let i = 0; i < records.length; i += batch) view = mergeTelemetry(view, T, records.slice(i, i + batch), maxLines);
  return view;
};

test('a session folds into the last lines, the last heartbeat, turns and cost', () => {
  const view = fold(session(12), 4)!;
  expect(view).toMatchObject({ taskId: T, sessionId: S, lastSeq: 12, lastHeartbeatAt: at(10), lastSeenAt: at(12), turns: 3, costUsd: 0.08, revision: 0 });
  expect(view.lines).toEqual([
    { seq: 7, at: at(7), kind: 'tool_call', text: 'Bash: npm test #7' },
    { seq: 9, at: at(9), kind: 'error', text: 'Error: flaky' },
    { seq: 11, at: at(11), kind: 'turn', text: 'Turn 3: thinking 3' },
    { seq: 12, at: at(12), kind: 'tool_call', text: 'Bash: npm test #12' },
  ]);
});

test('property: any order, any duplication, any batching gives the same view', () => {
  const records = session(40);
  const reference = fold(records, 10);
  fc.assert(
    fc.property(
      fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
      fc.array(fc.integer({ min: 0, max: records.length - 1 }), { maxLength: 30 }),
      fc.integer({ min: 1, max: 7 }),
      (shuffled, dupes, batch) => {
        const delivered = [...shuffled];
        for (const d of dupes) delivered.splice(d % (delivered.length + 1), 0, records[d]!);
        expect(fold(delivered, 10, batch)).toEqual(reference);
      },
    ),
  );
});

test('duplicates and records already folded change nothing (sameProgress)', () => {
  const records = session(20);
  const view = fold(records);
  expect(sameProgress(view, mergeTelemetry(view, T, records.slice(3, 9)))).toBe(true);
  expect(sameProgress(view, mergeTelemetry(view, T, [heartbeat(25)]))).toBe(false);
});

test('a late, older record lands where its seq puts it and never regresses times or counters', () => {
  const later = fold([progress(5, { kind: 'cost_update', costUsd: 0.5, turns: 7 }), heartbeat(6), progress(7, { kind: 'turn', turn: 8 })])!;
  const withLate = mergeTelemetry(later, T, [heartbeat(2), progress(3, { kind: 'cost_update', costUsd: 0.1, turns: 2 }), progress(4, { kind: 'milestone', name: 'cloned' })])!;
  expect(withLate).toMatchObject({ lastSeq: 7, lastHeartbeatAt: at(6), lastSeenAt: at(7), turns: 8, costUsd: 0.5 });
  expect(withLate.lines.map((l) => l.seq)).toEqual([4, 7]);
});

test('records of other tasks are ignored; nothing for the task keeps the view as it is', () => {
  const other: TelemetryRecord = { ...heartbeat(1), taskId: 'task-2' };
  expect(mergeTelemetry(null, T, [other])).toBeNull();
  const view = fold(session(3));
  expect(mergeTelemetry(view, T, [other])).toBe(view);
});

test('the final report counts for turns and cost; the revision is kept', () => {
  const view = { ...fold(session(4))!, revision: 7 };
  const final: TelemetryRecord = {
    type: 'final_report',
    taskId: T,
    sessionId: S,
    seq: 5,
    at: at(5),
    report: { outcome: 'success', error: null, turns: 9, costUsd: 1.25, commits: 1, prUrl: null, prNumber: null, buildPassed: null, lintPassed: null },
  };
  expect(mergeTelemetry(view, T, [final])).toMatchObject({ turns: 9, costUsd: 1.25, lastSeq: 5, revision: 7 });
});

test('line texts: one per kind, cut to 1000 characters; cost updates make no line', () => {
  expect(lineText({ kind: 'turn', turn: 2 })).toBe('Turn 2');
  expect(lineText({ kind: 'milestone', name: 'pushed' })).toBe('pushed');
  expect(lineText({ kind: 'cost_update', costUsd: 1, turns: 1 })).toBeNull();
  expect(lineText({ kind: 'tool_call', tool: 'Edit', summary: 'y'.repeat(5000) })).toHaveLength(1000);
});
