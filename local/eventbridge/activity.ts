/**
 * Counts work in flight (deliveries, retries waiting on their backoff, replays) so `idle()` can
 * tell tests when the bus has nothing left to do.
 */
export class Activity {
  private count = 0;

  /** Runs `work`, counting it as in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.count++;
    return work.finally(() => {
      this.count--;
    });
  }

  get busy(): boolean {
    return this.count > 0;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
