/**
 * Scheduler: one-time schedules that put an event on the bus at a given time (EventBridge
 * Scheduler in AWS; a durable local scheduler on one machine). Used for session deadlines:
 * durable, so a restart does not lose them, and named, so scheduling twice is harmless.
 */
export interface ScheduledEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface Scheduler {
  scheduleOnce(name: string, at: Date, event: ScheduledEvent): Promise<void>;
  cancel(name: string): Promise<void>;
}
