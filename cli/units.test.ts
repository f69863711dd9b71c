/** The small pure pieces of the CLI: argument parsing, Retry-After, base URL, durations, event lines. */
import { parseCommandArgs, UsageError } from './args';
import { apiBase, retryAfterMs } from './api-client';
import { describeEvent, formatAge, formatDuration, makeStyle, progressKind } from './render';

const plain = makeStyle(false);

test('parseCommandArgs: values, repeatable options, positionals after --, precise errors', () => {
  const options = { repo: { type: 'string', description: '' }, wait: { type: 'boolean', description: '' }, build: { type: 'string', multiple: true, description: '' } } as const;
  const parsed = parseCommandArgs(['--repo=acme/x', '--build', 'a', '--build', 'b', 'id', '--wait', '--', '--not-an-option'], options, [
    { name: 'task_id', required: true, description: '' },
    { name: 'rest', required: false, variadic: true, description: '' },
  ]);
  expect(parsed.values).toEqual({ repo: 'acme/x', build: ['a', 'b'], wait: true });
  expect(parsed.positionals).toEqual(['id', '--not-an-option']);
  expect(() => parseCommandArgs(['--rep', 'x'], options)).toThrow(new UsageError('unknown option --rep'));
  expect(() => parseCommandArgs(['-r'], options)).toThrow(new UsageError('unknown option -r'));
  expect(() => parseCommandArgs(['--repo'], options)).toThrow(new UsageError('option --repo needs a value'));
  expect(() => parseCommandArgs([], options, [{ name: 'task_id', required: true, description: '' }])).toThrow(new UsageError('missing argument <task_id>'));
});

test('retryAfterMs: seconds or an HTTP date', () => {
  expect(retryAfterMs('3')).toBe(3000);
  expect(retryAfterMs('0.5')).toBe(500);
  expect(retryAfterMs('Wed, 01 Jan 2025 10:00:10 GMT', Date.parse('2025-01-01T10:00:00Z'))).toBe(10_000);
  expect(retryAfterMs(null)).toBeUndefined();
  expect(retryAfterMs('soon')).toBeUndefined();
});

test('apiBase: /v1 appended once', () => {
  expect(apiBase('http://h:3000')).toBe('http://h:3000/v1');
  expect(apiBase('http://h:3000//')).toBe('http://h:3000/v1');
  expect(apiBase('https://x.execute-api.aws/v1/')).toBe('https://x.execute-api.aws/v1');
  expect(apiBase('https://h/prefix')).toBe('https://h/prefix/v1');
});

test('durations and ages', () => {
  expect([9, 75, 3725, 200_000].map(formatDuration)).toEqual(['9s', '1m15s', '1h02m', '2d07h']);
  const now = Date.parse('2025-01-02T00:00:00Z');
  expect(formatAge('2025-01-01T23:59:30Z', now)).toBe('30s');
  expect(formatAge('2025-01-01T21:00:00Z', now)).toBe('3h');
  expect(formatAge(null, now)).toBe('-');
});

test('events: progress kinds in either spelling, lifecycle events humanised without noise', () => {
  expect(['agent_turn', 'progress.tool_call', 'milestone', 'TaskSubmitted'].map(progressKind)).toEqual(['turn', 'tool_call', 'milestone', undefined]);
  const ev = (event_type: string, metadata: Record<string, unknown>) => ({ event_id: 'e', event_type, timestamp: '2025-01-01T00:00:00Z', metadata });
  expect(describeEvent(ev('agent_cost_update', { costUsd: 0.5, turns: 3 }), plain)).toBe('cost $0.50 after 3 turns');
  expect(describeEvent(ev('agent_milestone', { name: 'pushed', detail: 'branch bgagent/x' }), plain)).toBe('★ pushed: branch bgagent/x');
  expect(describeEvent(ev('TaskSubmitted', { sequence: 1, repo: 'acme/x', taskDescription: 'line one\nline two', config: { a: 1 } }), plain)).toBe(
    'task submitted  repo=acme/x taskDescription=line one line two',
  );
});
