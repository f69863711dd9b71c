/**
 * Scheduler (services/ports/scheduler.ts) on Amazon EventBridge Scheduler: each named one-time
 * schedule is a schedule in the platform's schedule group that puts its event on the platform's bus
 * (the universal EventBridge PutEvents target) once, then deletes itself.
 *
 *   scheduleOnce  CreateSchedule `at(<UTC time>)`; a schedule of that name already there
 *                 (ConflictException: a redelivered session start) is replaced with UpdateSchedule,
 *                 so scheduling twice is harmless, as the port promises.
 *   cancel        DeleteSchedule; a schedule that is gone (fired, or never made) counts as cancelled.
 *
 * A time in the past, or too close to act on, is moved to `minLeadSeconds` from now: Scheduler
 * refuses `at()` expressions in the past, and a deadline that fires late is safe (the watchdog
 * ignores early deadlines, and its sweep backs up late ones).
 *
 * The role (CDK: infra/constructs/scheduler.ts) may only put events on the bus; failed deliveries go
 * to the dead-letter queue when one is configured.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { ScheduledEvent, Scheduler } from '../../ports/scheduler';

/** EventBridge Scheduler's rule for schedule names. */
const SCHEDULE_NAME = /^[0-9a-zA-Z._-]{1,64}$/;

export interface EventBridgeSchedulerOptions {
  readonly client: Pick<SchedulerClient, 'send'>;
  /** The schedule group (its name). */
  readonly groupName: string;
  /** ARN of the event bus the schedules put their events on. */
  readonly eventBusArn: string;
  /** The role EventBridge Scheduler assumes to put them there. */
  readonly roleArn: string;
  readonly deadLetterQueueArn?: string;
  /** A schedule is never set closer than this to now (default 60 s). */
  readonly minLeadSeconds?: number;
  readonly now?: () => Date;
}

export class EventBridgeScheduler implements Scheduler {
  constructor(private readonly options: EventBridgeSchedulerOptions) {}

  async scheduleOnce(name: string, at: Date, event: ScheduledEvent): Promise<void> {
    checkName(name);
    const input = this.scheduleInput(name, at, event);
    try {
      await this.options.client.send(new CreateScheduleCommand(input));
    } catch (err) {
      if (!(err instanceof ConflictException) && (err as Error)?.name !== 'ConflictException') throw err;
      await this.options.client.send(new UpdateScheduleCommand(input));
    }
  }

  async cancel(name: string): Promise<void> {
    checkName(name);
    try {
      await this.options.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.groupName }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException || (err as Error)?.name === 'ResourceNotFoundException') return;
      throw err;
    }
  }

  /** The CreateSchedule (and UpdateSchedule: same fields) request for this schedule. */
  scheduleInput(name: string, at: Date, event: ScheduledEvent): CreateScheduleCommandInput {
    const now = (this.options.now ?? (() => new Date()))();
    const earliest = now.getTime() + (this.options.minLeadSeconds ?? 60) * 1000;
    const when = new Date(Math.max(at.getTime(), earliest));
    return {
      Name: name,
      GroupName: this.options.groupName,
      ScheduleExpression: `at(${when.toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: this.options.eventBusArn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify(event.detail),
        EventBridgeParameters: { Source: event.source, DetailType: event.detailType },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        ...(this.options.deadLetterQueueArn ? { DeadLetterConfig: { Arn: this.options.deadLetterQueueArn } } : {}),
      },
    };
  }
}

function checkName(name: string): void {
  if (!SCHEDULE_NAME.test(name)) throw new Error(`invalid schedule name ${JSON.stringify(name.slice(0, 80))}: use 1-64 of 0-9 a-z A-Z . _ -`);
}
