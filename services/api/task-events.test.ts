/** The merged event list: ordered by arrival, so a late progress record comes after what a poller saw. */
import type { EventEnvelope } from '../kernel/envelope';
import type { ProgressEventItem } from '../../projections/progress-view/progress-view';
import { mergeEvents } from './task-events';

const lifecycle = (id: string, sequence: number, occurredAt: string, recordedAt: string) =>
  ({ id, type: 'TaskSubmitted', sequence, occurredAt, recordedAt, data: {}, stream: { type: 'Task', id: 't' } }) as unknown as EventEnvelope;
const progress = (seq: number, at: string, recordedAt?: string): ProgressEventItem => ({ taskId: 't', sessionId: 's', seq, at, ...(recordedAt ? { recordedAt } : {}), event: { kind: 'turn', turn: seq } });

test('events are listed by arrival; timestamps stay when they happened', () => {
  const merged = mergeEvents(
    [lifecycle('a', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), lifecycle('b', 2, '2026-01-01T00:00:05Z', '2026-01-01T00:00:05Z')],
    // The agent's turn happened at 00:00:04 but reached the platform at 00:00:07, after b.
    [progress(1, '2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z'), progress(2, '2026-01-01T00:00:04Z', '2026-01-01T00:00:07Z')],
  );
  expect(merged.map((e) => e.event_id)).toEqual(['a', 'progress-1', 'b', 'progress-2']);
  expect(merged[3]).toMatchObject({ event_type: 'agent_turn', timestamp: '2026-01-01T00:00:04Z', metadata: { seq: 2, turn: 2, session_id: 's' } });
});

test('a record without recordedAt is placed by its own time; ties keep lifecycle first', () => {
  const merged = mergeEvents([lifecycle('a', 1, '2026-01-01T00:00:01Z', '2026-01-01T00:00:01Z')], [progress(1, '2026-01-01T00:00:01Z')]);
  expect(merged.map((e) => e.event_id)).toEqual(['a', 'progress-1']);
});
