/**
 * What one agent session costs in Lambda invocations over an hour, by construction rather than by
 * waiting an hour: the agent's telemetry (heartbeats, progress, the final report) as its publisher
 * sends it, grouped into session-monitor invocations the way Lambda's Kinesis event source groups
 * records (batch size, batching window), plus the catalog services' invocations of one task.
 *
 * Every input is a configuration value of the product, passed in by the caller (bench/pipeline):
 * the heartbeat policy (services/tasks/session-monitor/liveness.ts and the repository default's
 * unresponsive threshold), the publisher's send policy (agent/telemetry/telemetry-publisher.ts),
 * and the event source (infra/constructs/telemetry.ts). Nothing here is a measured or a
 * hard-coded cost.
 *
 * Model (times in seconds from the session's start):
 *   1. Records: progress lines at the profile's times (the session's start is a line at 0: its
 *      first milestones); heartbeats as the policy produces them — `fixed`: at 0, H, 2H, … ;
 *      `on-silence`: at 0, then whenever nothing was produced for H; the final report at the end.
 *   2. PutRecords calls: `interval`: records wait for the next flush tick (every `ms`); `linger`:
 *      a record opens a send `ms` later that takes whatever was produced meanwhile. The final
 *      report is sent at once (with what is waiting).
 *   3. Invocations: a batch opens at the first record that arrives and closes after the batching
 *      window, or earlier when it holds `batchSize` records (Lambda: window, batch size, 6 MB).
 */

export interface TelemetrySettings {
  readonly heartbeat: { readonly mode: 'fixed' | 'on-silence'; readonly intervalSeconds: number };
  readonly send: { readonly mode: 'interval' | 'linger'; readonly ms: number };
  readonly eventSource: { readonly batchSize: number; readonly maxBatchingWindowSeconds: number };
}

export interface SessionProfile {
  readonly name: string;
  readonly durationSeconds: number;
  /** When the agent produces progress lines (seconds from the start), e.g. one per turn. */
  readonly progressAt: readonly number[];
}

export interface TelemetryHour {
  readonly records: number;
  readonly heartbeats: number;
  readonly putRecordsCalls: number;
  readonly invocations: number;
}

/** The quiet hour: start milestones, then a long silent step (a build, a long model turn), then the end and the report. */
export function quietSession(durationSeconds = 3600): SessionProfile {
  return { name: 'quiet', durationSeconds, progressAt: [0, durationSeconds] };
}

/** A busy hour: a progress line every `everySeconds` (one agent turn), start to end. */
export function busySession(everySeconds: number, durationSeconds = 3600): SessionProfile {
  const progressAt: number[] = [];
  for (let t = 0; t <= durationSeconds; t += everySeconds) progressAt.push(t);
  return { name: `busy (a line every ${everySeconds} s)`, durationSeconds, progressAt };
}

export function simulateTelemetryHour(settings: TelemetrySettings, profile: SessionProfile): TelemetryHour {
  const end = profile.durationSeconds;
  const H = settings.heartbeat.intervalSeconds;
  if (!(H > 0)) throw new Error('the heartbeat interval must be positive');

  // 1. Records (time, is-final-report).
  const progress = [...profile.progressAt].filter((t) => t >= 0 && t <= end).sort((a, b) => a - b);
  const heartbeats: number[] = [];
  if (settings.heartbeat.mode === 'fixed') {
    for (let t = 0; t < end; t += H) heartbeats.push(t);
  } else {
    heartbeats.push(0);
    let last = 0;
    for (const t of [...progress, end]) {
      while (t - last > H) {
        last += H;
        heartbeats.push(last);
      }
      last = Math.max(last, t);
    }
  }
  const records = [...progress, ...heartbeats].sort((a, b) => a - b);

  // 2. PutRecords calls: when each record leaves the agent; the final report goes at once, with
  //    anything still waiting.
  const sendMs = settings.send.ms / 1000;
  const arrivals: number[] = [];
  let open: number | undefined;
  for (const t of records) {
    let sent: number;
    if (settings.send.mode === 'interval') sent = Math.ceil(t / sendMs - 1e-9) * sendMs;
    else {
      if (open === undefined || t > open) open = t + sendMs;
      sent = open;
    }
    arrivals.push(Math.min(sent, end));
  }
  arrivals.push(end);
  arrivals.sort((a, b) => a - b);
  const putRecordsCalls = new Set(arrivals.map((t) => t.toFixed(6))).size;

  // 3. Invocations of the session monitor.
  const W = settings.eventSource.maxBatchingWindowSeconds;
  const B = settings.eventSource.batchSize;
  let invocations = 0;
  let windowEnd = -Infinity;
  let inBatch = 0;
  for (const t of arrivals) {
    if (t < windowEnd && inBatch < B) {
      inBatch++;
      continue;
    }
    invocations++;
    windowEnd = t + Math.max(W, 1e-6);
    inBatch = 1;
  }
  return { records: records.length + 1, heartbeats: heartbeats.length, putRecordsCalls, invocations };
}
