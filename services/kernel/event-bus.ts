/**
 * EventBus port: publishes stored events (the whole envelope as EventBridge `Detail`,
 * `DetailType` = type, `Source` = source). A publish either delivers every event to the bus or
 * throws naming the ones that did not get there — nothing is dropped silently.
 */
import type { EventEnvelope } from './envelope';

export interface EventBus {
  publish(events: readonly EventEnvelope[]): Promise<void>;
}

export class PublishError extends Error {
  constructor(
    readonly failed: ReadonlyArray<{ readonly eventId: string; readonly errorCode: string; readonly errorMessage: string }>,
    attempts: number,
  ) {
    super(
      `${failed.length} event(s) not accepted by the bus after ${attempts} attempts: ` +
        failed.slice(0, 5).map((f) => `${f.eventId} (${f.errorCode}: ${f.errorMessage})`).join(', '),
    );
    this.name = 'PublishError';
  }
}
