/**
 * A bus decorator for reliability tests: every event is published twice, each copy in a shuffled
 * order, the second copy later (up to `maxDelayMs`), so consumers see duplicates and disorder —
 * what at-least-once, unordered delivery allows.
 */
import type { EventEnvelope } from '../../services/kernel/envelope';
import type { EventBus } from '../../services/kernel/event-bus';

export class ChaosBus implements EventBus {
  private readonly pending = new Set<Promise<void>>();
  published = 0;

  constructor(
    private readonly inner: EventBus,
    private readonly maxDelayMs = 200,
    private readonly random: () => number = Math.random,
  ) {}

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    await this.inner.publish(this.shuffle(events));
    this.published += events.length;
    const later = new Promise<void>((resolve) => setTimeout(resolve, this.random() * this.maxDelayMs))
      .then(() => this.inner.publish(this.shuffle(events)))
      .then(
        () => {
          this.published += events.length;
        },
        // A late copy that cannot be sent (the platform stopped) is simply not a duplicate.
        () => undefined,
      );
    this.pending.add(later);
    void later.finally(() => this.pending.delete(later));
  }

  /** Waits for the delayed copies. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
