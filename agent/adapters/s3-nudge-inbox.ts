/**
 * NudgeInbox over S3: the task's inbox is the prefix `s3://<bucket>/<prefix>nudges/<taskId>/`, one
 * `<seq>-<eventId>.json` object per nudge (written by the nudge-delivery service through the S3
 * BlobStore).
 *
 * `drain()` is synchronous and runs between turns, and S3 is not: a background poller lists the
 * prefix (ListObjectsV2, every page) every `pollMs` (3 s by default: a nudge reaches the agent
 * within a turn or two, for a few requests a minute) and reads the new objects (GetObject) into a
 * buffer that `drain()` empties. One poll runs at a time; the timer does not keep the process
 * alive, and `close()` stops it.
 *
 * The whole prefix is listed every time, not just what comes after the last key: an inbox holds a
 * handful of nudges, and a nudge whose object lands late (after a later one was handed out) is
 * still handed out, as in the file inbox. New objects are read in key order (the order the nudges
 * were recorded); a read that fails for any reason but a missing object stops the poll there, so
 * that nudge and the ones after it are read again by the next poll and the order holds. Each nudge
 * is handed out once (nudge-ledger.ts). A failure is warned about once until a poll succeeds
 * again or the failure changes (no warning every 3 s for hours), and never reaches `drain()`,
 * which never throws.
 */
import { BlobNotFoundError, getObjectBytes, listKeys, type S3Sender } from '../../services/adapters/s3/s3-objects';
import { parseS3Ref, s3RefOf, type S3Location } from '../../services/adapters/s3/s3-ref';
import type { NudgeInbox } from '../ports';
import { errorMessage } from '../runtime/log';
import { NudgeLedger } from './nudge-ledger';

const DEFAULT_NUDGE_POLL_MS = 3_000;

export interface S3NudgeInboxOptions {
  readonly client: S3Sender;
  /** Milliseconds between the end of a poll and the start of the next (default 3 s). */
  readonly pollMs?: number;
  /** Told about an inbox or a nudge that cannot be read. */
  readonly warn?: (message: string) => void;
  /** ListObjectsV2 page size (default S3's 1,000). */
  readonly pageSize?: number;
}

export class S3NudgeInbox implements NudgeInbox {
  /** The inbox folder, always ending in `/` (so `nudges/T-1` never matches `nudges/T-10/…`). */
  readonly location: S3Location;
  private readonly ledger: NudgeLedger;
  private readonly pollMs: number;
  private buffer: string[] = [];
  private polling: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastWarning: string | undefined;

  /** `ref`: the inbox folder (s3://bucket/…/). Polling starts at once. */
  constructor(ref: string, private readonly options: S3NudgeInboxOptions) {
    const { bucket, key } = parseS3Ref(ref);
    this.location = { bucket, key: key.endsWith('/') ? key : `${key}/` };
    this.ledger = new NudgeLedger((message) => this.warn(message));
    this.pollMs = options.pollMs ?? DEFAULT_NUDGE_POLL_MS;
    this.schedule(0);
  }

  drain(): readonly string[] {
    const out = this.buffer;
    this.buffer = [];
    return out;
  }

  /** Polls now, or joins the poll under way; resolves when it is done (never rejects). */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.poll().then(() => this.schedule(this.pollMs));
    }, delayMs);
    this.timer.unref();
  }

  private async pollOnce(): Promise<void> {
    const folder = s3RefOf(this.location.bucket, this.location.key);
    let keys: string[];
    try {
      keys = await listKeys(this.options.client, this.location, this.options.pageSize);
    } catch (err) {
      this.warnOnce(`cannot list the nudge inbox ${folder}: ${errorMessage(err)}`);
      return;
    }
    // Only the folder's own entries, as readdir would give them (nothing in sub-folders).
    const names = keys.map((k) => k.slice(this.location.key.length)).filter((n) => !n.includes('/') && this.ledger.isNew(n));
    for (const name of names.sort()) {
      let body: string;
      try {
        body = (await getObjectBytes(this.options.client, `${folder}${name}`)).toString('utf8');
      } catch (err) {
        if (err instanceof BlobNotFoundError) continue; // removed since the listing: nothing to hand out
        this.warnOnce(`cannot read the nudge ${name}, will try again: ${errorMessage(err)}`);
        return;
      }
      const message = this.ledger.take(name, () => body);
      if (message !== null) this.buffer.push(message);
    }
    this.lastWarning = undefined;
  }

  private warnOnce(message: string): void {
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    this.warn(message);
  }

  private warn(message: string): void {
    try {
      this.options.warn?.(message);
    } catch {
      // A failing logger must not stop the poller.
    }
  }
}
