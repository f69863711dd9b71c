/**
 * Routing and delivery. An event put on a bus is archived, matched against the bus's enabled
 * rules, and sent to each target of each matching rule with the target's input (Input, InputPath
 * or InputTransformer).
 *
 * - Queue targets get their first attempt before PutEvents answers, so the message is on disk when
 *   the caller is told the event was accepted.
 * - Other targets (functions, API destinations, buses) are invoked asynchronously, as AWS invokes
 *   Lambda targets.
 * - A failed attempt is retried with exponential backoff and jitter (base `retryBaseDelayMs`) until
 *   the target's RetryPolicy runs out (MaximumRetryAttempts, default 185; MaximumEventAgeInSeconds,
 *   default 86400); errors that cannot succeed are not retried. The event then goes to the target's
 *   dead-letter queue with ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS,
 *   RULE_ARN and TARGET_ARN attributes, or is dropped with an error log when there is none.
 *   Retries waiting on their backoff live in memory: a stop drops them (the durable path is rule →
 *   queue).
 */
import type { SQSMessageAttributes } from 'aws-lambda';
import { Activity } from './activity';
import { busArn, parseTargetArn, type Scope } from './arns';
import type { ArchiveStore } from './archive';
import { DeliveryError } from './delivery-error';
import { targetInput } from './input-transformer';
import type { Log } from './log';
import type { IngestedEvent, RuleRecord, TargetRecord } from './model';
import { eventMatches } from './patterns';
import type { QueueRegistry } from './queue';
import type { ResourceStore } from './store';
import { TargetInvoker } from './targets';

const DEFAULT_MAX_RETRY_ATTEMPTS = 185;
const DEFAULT_MAX_EVENT_AGE_SECONDS = 86_400;

export interface DispatcherDeps {
  readonly scope: Scope;
  readonly store: ResourceStore;
  readonly archives: ArchiveStore;
  readonly queues: QueueRegistry;
  readonly invoker: TargetInvoker;
  readonly activity: Activity;
  readonly log: Log;
  readonly retryBaseDelayMs: number;
}

export interface DispatchOptions {
  /** Only these rules (by ARN) get the events: a replay's FilterArns. */
  readonly ruleArns?: ReadonlySet<string>;
}

/** The delay before retry number `retry` (0-based): base·2^retry, capped at base·300, jittered to 50–100 %. */
export function backoffDelay(baseMs: number, retry: number): number {
  const ceiling = Math.min(baseMs * 2 ** Math.min(retry, 30), baseMs * 300);
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

export class Dispatcher {
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /**
   * Takes events put on `bus`: archives them (unless replayed), then delivers them to the matching
   * rules' targets. Resolves once archive writes and queue targets are durable.
   */
  async dispatch(bus: string, events: readonly IngestedEvent[], options: DispatchOptions = {}): Promise<void> {
    const { store, archives, scope } = this.deps;
    await archives.record([...store.archives.values()], busArn(scope, bus), events);
    const rules = store.rulesOf(bus).filter((r) => r.State !== 'DISABLED' && r.EventPattern !== undefined && (!options.ruleArns || options.ruleArns.has(r.Arn)));
    const durable: Promise<void>[] = [];
    for (const ingested of events) {
      for (const rule of rules) {
        let matched: boolean;
        try {
          matched = eventMatches(rule.EventPattern, ingested.event);
        } catch (err) {
          this.deps.log('error', 'rule pattern failed to evaluate', { rule: rule.Arn, error: (err as Error).message });
          continue;
        }
        if (matched) durable.push(...this.deliverToRule(rule, ingested));
      }
    }
    await Promise.all(durable);
  }

  /**
   * Sends one event to every target of one rule (used for matches, scheduled rules and replays);
   * returns the first attempts of queue targets, to await for durability.
   */
  deliverToRule(rule: RuleRecord, ingested: IngestedEvent): Promise<void>[] {
    const durable: Promise<void>[] = [];
    for (const target of this.deps.store.targetsOf(rule.EventBusName, rule.Name)) {
      let input: string;
      try {
        input = targetInput(target, { event: ingested.event, ruleName: rule.Name, ruleArn: rule.Arn, ingestionTime: ingested.ingestionTime });
      } catch (err) {
        void this.track(this.toDeadLetter(rule, target, ingested, new DeliveryError('INVALID_PARAMETER', (err as Error).message, false), 0, undefined));
        continue;
      }
      if (TargetInvoker.isQueue(target)) {
        durable.push(
          this.deps.invoker.invoke(target, input, ingested.event).catch((err: unknown) => {
            void this.track(this.retry(rule, target, input, ingested, toDeliveryError(err)));
          }),
        );
      } else {
        void this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.attempt(rule, target, input, ingested)));
      }
    }
    return durable;
  }

  private track(work: Promise<void>): Promise<void> {
    return this.deps.activity.track(
      work.catch((err: unknown) => this.deps.log('error', 'delivery failed unexpectedly', { error: (err as Error)?.message ?? String(err) })),
    );
  }

  private async attempt(rule: RuleRecord, target: TargetRecord, input: string, ingested: IngestedEvent): Promise<void> {
    if (this.stopped) return;
    try {
      await this.deps.invoker.invoke(target, input, ingested.event);
    } catch (err) {
      await this.retry(rule, target, input, ingested, toDeliveryError(err));
    }
  }

  /** Retries after a failed first attempt until success or the retry policy runs out. */
  private async retry(rule: RuleRecord, target: TargetRecord, input: string, ingested: IngestedEvent, firstError: DeliveryError): Promise<void> {
    const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS;
    const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS) * 1000;
    let error = firstError;
    for (let retries = 0; ; retries++) {
      this.deps.log('warn', 'delivery to target failed', { rule: rule.Arn, target: target.Arn, eventId: ingested.event.id, attempt: retries + 1, errorCode: error.code, error: error.message });
      if (!error.retryable) return this.toDeadLetter(rule, target, ingested, error, retries, undefined);
      if (retries >= maxRetries) return this.toDeadLetter(rule, target, ingested, error, retries, 'MaximumRetryAttempts');
      const delay = backoffDelay(this.deps.retryBaseDelayMs, retries);
      if (Date.now() + delay - ingested.ingestionTime > maxAgeMs) return this.toDeadLetter(rule, target, ingested, error, retries, 'MaximumEventAgeInSeconds');
      if (!(await this.sleep(delay))) return;
      try {
        await this.deps.invoker.invoke(target, input, ingested.event);
        return;
      } catch (err) {
        error = toDeliveryError(err);
      }
    }
  }

  private async toDeadLetter(rule: RuleRecord, target: TargetRecord, ingested: IngestedEvent, error: DeliveryError, retries: number, exhausted: string | undefined): Promise<void> {
    const dlqArn = target.DeadLetterConfig?.Arn;
    const fields = { rule: rule.Arn, target: target.Arn, eventId: ingested.event.id, errorCode: error.code, error: error.message, retryAttempts: retries, exhaustedRetryCondition: exhausted };
    if (!dlqArn) {
      this.deps.log('error', 'event dropped: delivery failed and the target has no dead-letter queue', fields);
      return;
    }
    const attr = (value: string) => ({ dataType: 'String', stringValue: value });
    const messageAttributes: SQSMessageAttributes = {
      RULE_ARN: attr(rule.Arn),
      TARGET_ARN: attr(target.Arn),
      ERROR_CODE: attr(error.code),
      ERROR_MESSAGE: attr(error.message),
      RETRY_ATTEMPTS: { dataType: 'Number', stringValue: String(retries) },
      ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: attr(exhausted) } : {}),
    };
    const dlq = parseTargetArn(dlqArn);
    try {
      if (dlq.kind !== 'queue') throw new Error(`${dlqArn} is not an SQS queue ARN`);
      const queue = await this.deps.queues.get(dlq.name);
      await queue.send([{ body: JSON.stringify(ingested.event), messageAttributes }]);
      this.deps.log('warn', 'event sent to the dead-letter queue', { ...fields, deadLetterQueue: dlqArn });
    } catch (err) {
      this.deps.log('error', 'event dropped: could not send it to the dead-letter queue', { ...fields, deadLetterQueue: dlqArn, dlqError: (err as Error).message });
    }
  }

  /** Waits `ms`; false when the dispatcher stopped meanwhile. */
  private sleep(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve(!this.stopped);
        }, ms),
        resolve: () => resolve(false),
      };
      this.timers.add(entry);
    });
  }

  /** Drops retries waiting on their backoff. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
  }
}

function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as Error;
  return new DeliveryError('INTERNAL_ERROR', e?.message ?? String(err));
}
