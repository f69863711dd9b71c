/** Watchdog thresholds: defaults, overrides, refusal of nonsense. */
import { DEFAULT_WATCHDOG_CONFIG, watchdogConfig } from './config';
import { isSweepTrigger, isDeadlineTrigger } from './service';
import { isPermanentStartError, ComputeStartError } from '../session/compute-errors';

test('defaults, and overrides on top (undefined keeps the default)', () => {
  expect(watchdogConfig()).toEqual(DEFAULT_WATCHDOG_CONFIG);
  expect(watchdogConfig({ hydratingRedriveAfterSec: 10, submittedFailAfterSec: undefined })).toMatchObject({ hydratingRedriveAfterSec: 10, submittedFailAfterSec: 3600 });
  expect(watchdogConfig({ heartbeatTimeoutSec: 90 }).heartbeatTimeoutSec).toBe(90);
});

test('refuses negative, non-numeric and inverted thresholds', () => {
  expect(() => watchdogConfig({ deadlineGraceSec: -1 })).toThrow(/deadlineGraceSec/);
  expect(() => watchdogConfig({ pageSize: 0 })).toThrow(/pageSize/);
  expect(() => watchdogConfig({ hydratingFailAfterSec: 10 })).toThrow(/FailAfterSec/);
});

test('triggers: deadline from abca.scheduler; sweep from the schedule or on request', () => {
  expect(isDeadlineTrigger({ source: 'abca.scheduler', detailType: 'SessionDeadlineReached' })).toBe(true);
  expect(isSweepTrigger({ source: 'aws.events', detailType: 'Scheduled Event' })).toBe(true);
  expect(isSweepTrigger({ source: 'abca.watchdog', detailType: 'SweepRequested' })).toBe(true);
  expect(isSweepTrigger({ source: 'abca.task', detailType: 'SweepRequested' })).toBe(false);
});

test('compute start errors: explicit retryable wins; AWS client faults are permanent unless retryable (throttling)', () => {
  expect(isPermanentStartError(new ComputeStartError('x', false))).toBe(true);
  expect(isPermanentStartError(new ComputeStartError('x', true))).toBe(false);
  expect(isPermanentStartError(Object.assign(new Error('bad'), { $fault: 'client' }))).toBe(true);
  expect(isPermanentStartError(Object.assign(new Error('slow down'), { $fault: 'client', $retryable: { throttling: true } }))).toBe(false);
  expect(isPermanentStartError(Object.assign(new Error('oops'), { $fault: 'server' }))).toBe(false);
  expect(isPermanentStartError(new Error('ECONNRESET'))).toBe(false);
});
