/**
 * Scheduled rules. `rate(value unit)` rules fire on a timer while enabled, with AWS's scheduled
 * event (`source: aws.events`, `detail-type: Scheduled Event`, the rule's ARN in `resources`);
 * `cron(...)` expressions are checked for shape and stored, not fired (fire them by hand with
 * `triggerScheduledRule`).
 */
import { randomUUID } from 'node:crypto';
import type { Scope } from './arns';
import type { EventBridgeEvent, IngestedEvent, RuleRecord } from './model';

const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/** The period of a `rate(...)` expression in ms; undefined for cron; throws when not valid. */
export function parseScheduleExpression(expr: string): { kind: 'rate'; periodMs: number } | { kind: 'cron' } {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expr);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    // AWS: a value of 1 takes the singular unit, other values the plural.
    if (value <= 0 || (value === 1) !== !unit.endsWith('s')) throw new Error(`Parameter ScheduleExpression is not valid.`);
    return { kind: 'rate', periodMs: value * UNITS[unit]! };
  }
  const cron = /^cron\((.*)\)$/.exec(expr);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    const field = /^[0-9A-Za-z*?,\-/#L W]+$/;
    if (fields.length !== 6 || !fields.every((f) => field.test(f))) throw new Error('Parameter ScheduleExpression is not valid.');
    // Day-of-month and day-of-week cannot both be given: one of them must be `?`.
    if ((fields[2] === '?') === (fields[4] === '?')) throw new Error('Parameter ScheduleExpression is not valid.');
    return { kind: 'cron' };
  }
  throw new Error('Parameter ScheduleExpression is not valid.');
}

/** The event a scheduled rule sends. */
export function scheduledEvent(scope: Scope, rule: RuleRecord, now = Date.now()): IngestedEvent {
  const event: EventBridgeEvent = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: scope.accountId,
    time: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: scope.region,
    resources: [rule.Arn],
    detail: {},
  };
  return { event, ingestionTime: now };
}

/** Keeps one timer per enabled rate() rule. */
export class Scheduler {
  private readonly timers = new Map<string, { expr: string; timer: NodeJS.Timeout }>();

  constructor(private readonly fire: (rule: RuleRecord) => void) {}

  /** Brings the timers in line with the rules (call after every rule change). */
  sync(rules: readonly RuleRecord[]): void {
    const wanted = new Map<string, RuleRecord>();
    for (const r of rules) {
      if (r.State === 'DISABLED' || !r.ScheduleExpression) continue;
      try {
        if (parseScheduleExpression(r.ScheduleExpression).kind === 'rate') wanted.set(r.Arn, r);
      } catch {
        /* stored expressions were validated */
      }
    }
    for (const [arn, t] of this.timers) {
      const rule = wanted.get(arn);
      if (!rule || rule.ScheduleExpression !== t.expr) {
        clearInterval(t.timer);
        this.timers.delete(arn);
      }
    }
    for (const [arn, rule] of wanted) {
      if (this.timers.has(arn)) continue;
      const { periodMs } = parseScheduleExpression(rule.ScheduleExpression!) as { periodMs: number };
      const timer = setInterval(() => this.fire(rule), periodMs);
      timer.unref();
      this.timers.set(arn, { expr: rule.ScheduleExpression!, timer });
    }
  }

  stop(): void {
    for (const t of this.timers.values()) clearInterval(t.timer);
    this.timers.clear();
  }
}
