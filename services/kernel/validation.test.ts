import { ulid } from 'ulid';
import { EVENT_SCHEMAS } from '../../schemas/generated/registry';
import { DEFAULT_REPO_CONFIG } from '../repos/repo/repo-config';
import { EventValidationError, validateEnvelope, validateEventData } from './validation';

const repoConfig = DEFAULT_REPO_CONFIG;

function message(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EventValidationError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

test('every event type has a schema with additionalProperties: false and a stream', () => {
  for (const [type, entry] of Object.entries(EVENT_SCHEMAS)) {
    expect(entry.schema).toMatchObject({ title: type, additionalProperties: false });
    expect(['Task', 'User', 'Repo', 'ApiKey', 'Webhook']).toContain(entry.stream);
  }
});

test('valid data passes, including $ref to RepoConfig', () => {
  expect(() => validateEventData('RepoOnboarded', { repo: 'acme/widgets', config: repoConfig })).not.toThrow();
  expect(() => validateEventData('SlotAcquired', { taskId: 't-1', fromQueue: false, activeCount: 1 })).not.toThrow();
});

test('invalid data is refused with messages that name each field', () => {
  expect(message(() => validateEventData('RepoOnboarded', { repo: '../etc', config: { ...repoConfig, maxTurns: 0 } }))).toMatch(
    /data\.repo must match pattern.*data\.config\.maxTurns must be >= 1/s,
  );
  expect(message(() => validateEventData('TaskFailed', { code: 'NOPE', reason: 'x' }))).toMatch(/data\.code must be one of "HYDRATION_FAILED"/);
  expect(message(() => validateEventData('TaskCancelled', {}))).toMatch(/data\.previousStatus is required/);
  expect(message(() => validateEventData('TaskCancelled', { previousStatus: 'RUNNING', extra: 1 }))).toMatch(/data\.extra is not allowed/);
  expect(message(() => validateEventData('NoSuchEvent', {}))).toMatch(/unknown event type "NoSuchEvent"/);
});

test('envelopes are validated as a whole: shape, version, then data', () => {
  const envelope = {
    id: ulid(),
    type: 'TaskAdmitted',
    schemaVersion: 1,
    stream: { type: 'Task', id: 't-1' },
    sequence: 2,
    occurredAt: '2026-01-01T00:00:00.000Z',
    recordedAt: '2026-01-01T00:00:00.010Z',
    correlationId: 't-1',
    causationId: 'e-1',
    source: 'abca.task',
    data: { userId: 'u-1', fromQueue: false },
    metadata: { actor: 'service:admission' },
  };
  expect(() => validateEnvelope(envelope)).not.toThrow();
  expect(message(() => validateEnvelope({ ...envelope, sequence: 0 }))).toMatch(/event\.sequence must be >= 1/);
  expect(message(() => validateEnvelope({ ...envelope, occurredAt: 'yesterday' }))).toMatch(/event\.occurredAt must match format "date-time"/);
  expect(message(() => validateEnvelope({ ...envelope, schemaVersion: 7 }))).toMatch(/schemaVersion 7 is not supported/);
  expect(message(() => validateEnvelope({ ...envelope, data: { userId: 'u-1' } }))).toMatch(/data\.fromQueue is required/);
});
