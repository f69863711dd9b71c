import { busySession, quietSession, simulateTelemetryHour, type TelemetrySettings } from './session-hour';
import { telemetrySettings } from './telemetry-settings';
import { HEARTBEATS_PER_THRESHOLD } from '../services/tasks/session/heartbeat';

/** The configuration before heartbeats waited for silence: a heartbeat every 45 s, a flush tick every second. */
const TICKING: TelemetrySettings = {
  heartbeat: { mode: 'fixed', intervalSeconds: 45 },
  send: { mode: 'interval', ms: 1000 },
  eventSource: { batchSize: 100, maxBatchingWindowSeconds: 1 },
};

test('fixed heartbeats: one invocation per heartbeat, plus the final report', () => {
  const hour = simulateTelemetryHour(TICKING, quietSession());
  expect(hour.heartbeats).toBe(80);
  expect(hour.invocations).toBe(81);
});

test('heartbeats after silence: a working agent sends none, a quiet one one per interval', () => {
  const onSilence: TelemetrySettings = { ...TICKING, heartbeat: { mode: 'on-silence', intervalSeconds: 900 }, send: { mode: 'linger', ms: 50 } };
  expect(simulateTelemetryHour(onSilence, quietSession()).heartbeats).toBe(4); // 0, 900, 1800, 2700
  expect(simulateTelemetryHour(onSilence, busySession(30)).heartbeats).toBe(1); // only the first
});

test('the batching window and the batch size group records into invocations', () => {
  const base: TelemetrySettings = { heartbeat: { mode: 'on-silence', intervalSeconds: 3600 }, send: { mode: 'linger', ms: 0 }, eventSource: { batchSize: 100, maxBatchingWindowSeconds: 1 } };
  const tenSeconds = { name: 'ten lines, a second apart', durationSeconds: 3600, progressAt: Array.from({ length: 10 }, (_, i) => i * 1.5) };
  expect(simulateTelemetryHour(base, tenSeconds).invocations).toBe(11); // each line alone, and the final report
  expect(simulateTelemetryHour({ ...base, eventSource: { batchSize: 100, maxBatchingWindowSeconds: 60 } }, tenSeconds).invocations).toBe(2);
  expect(simulateTelemetryHour({ ...base, eventSource: { batchSize: 4, maxBatchingWindowSeconds: 60 } }, tenSeconds).invocations).toBe(4); // the first heartbeat and ten lines in batches of 4 + 4 + 3, then the report
});

test('the configuration in force keeps a quiet session-hour at a handful of invocations, and the watchdog hears a quiet agent twice per threshold', () => {
  const settings = telemetrySettings();
  expect(settings.heartbeat.intervalSeconds * HEARTBEATS_PER_THRESHOLD).toBeLessThanOrEqual(settings.unresponsiveThresholdSeconds);
  expect(simulateTelemetryHour(settings, quietSession()).invocations).toBeLessThanOrEqual(6);
});
