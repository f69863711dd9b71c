/**
 * NudgeInbox over a folder (one machine: the blob store's folder, bound read-only into the
 * sandbox): `<dir>/<seq>-<eventId>.json` files (schemas/agent/contracts.ts InboxNudge) written by the
 * nudge-delivery service. `drain` lists the folder (one readdirSync of a small folder), reads the
 * `.json` files it has not seen, in name order (the order the nudges were recorded), and hands out
 * each nudge once (nudge-ledger.ts) — a file that lands late, after a later one was handed out, is
 * handed out when it appears. A missing folder means no nudges yet (it appears with the first
 * one). The S3 inbox is s3-nudge-inbox.ts; NoNudges is the inbox of a session without one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NudgeInbox } from '../ports';
import { errorMessage } from '../runtime/log';
import { localPathOf } from './blob-reader';
import { NudgeLedger } from './nudge-ledger';

export interface FileNudgeInboxOptions {
  /** Told about a file or folder that cannot be read (drain never throws). */
  readonly warn?: (message: string) => void;
}

export class FileNudgeInbox implements NudgeInbox {
  readonly dir: string;
  private readonly ledger: NudgeLedger;

  /** `ref`: the inbox folder (file://…/). Throws UnsupportedRefError for any other scheme. */
  constructor(ref: string, private readonly options: FileNudgeInboxOptions = {}) {
    this.dir = localPathOf(ref);
    this.ledger = new NudgeLedger(options.warn);
  }

  drain(): readonly string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.options.warn?.(`cannot list the nudge inbox ${this.dir}: ${errorMessage(err)}`);
      return [];
    }
    const messages: string[] = [];
    for (const name of names.filter((n) => this.ledger.isNew(n)).sort()) {
      const message = this.ledger.take(name, () => readFileSync(path.join(this.dir, name), 'utf8'));
      if (message !== null) messages.push(message);
    }
    return messages;
  }
}

export class NoNudges implements NudgeInbox {
  drain(): readonly string[] {
    return [];
  }
}
