/**
 * The bookkeeping every nudge inbox shares (a folder on disk, a prefix in S3): which entries were
 * handled and which nudges were handed out, so each nudge is handed out once — by entry name and
 * by nudge id (the same nudge written twice is one nudge). An entry is a `.json` name (the blob
 * store's half-written `*.tmp` files are not); its content must be an InboxNudge with a nudgeId
 * and a non-empty message, else it is skipped with a warning. A handled entry is never retried.
 */
import type { InboxNudge } from '../contracts';
import { errorMessage } from '../runtime/log';

export class NudgeLedger {
  private readonly handled = new Set<string>();
  private readonly deliveredIds = new Set<string>();

  constructor(private readonly warn: (message: string) => void = () => undefined) {}

  /** Whether `name` is a nudge entry not handled yet. */
  isNew(name: string): boolean {
    return name.endsWith('.json') && !this.handled.has(name);
  }

  /**
   * Handles the entry `name`: its message when it is a nudge not handed out yet, else null
   * (unreadable or invalid, with a warning; or a nudge id already handed out). `read` may throw.
   */
  take(name: string, read: () => string): string | null {
    this.handled.add(name);
    let value: Partial<InboxNudge> | null;
    try {
      value = JSON.parse(read()) as Partial<InboxNudge> | null;
    } catch (err) {
      this.warn(`nudge ${name} skipped: ${errorMessage(err)}`);
      return null;
    }
    if (typeof value?.nudgeId !== 'string' || typeof value.message !== 'string' || value.message.trim() === '') {
      this.warn(`nudge ${name} skipped: it needs a nudgeId and a non-empty message`);
      return null;
    }
    if (this.deliveredIds.has(value.nudgeId)) return null;
    this.deliveredIds.add(value.nudgeId);
    return value.message;
  }
}
