/**
 * The concurrency view: per user, the active task ids and the FIFO queue, from the User stream.
 */
export interface ConcurrencyView {
  readonly userId: string;
  readonly active: readonly string[];
  readonly queued: ReadonlyArray<{ readonly taskId: string; readonly enqueuedAt: string }>;
  readonly lastSequence: number;
}

export interface ConcurrencyViewStore {
  get(userId: string): Promise<ConcurrencyView | undefined>;
  /** Users with queued tasks (the watchdog expires old ones). */
  listWithQueue(options: { limit: number; cursor?: string }): Promise<{ items: readonly ConcurrencyView[]; nextCursor?: string }>;
}
