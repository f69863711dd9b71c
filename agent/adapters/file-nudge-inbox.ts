/**
 * NudgeInbox over a folder (one machine: the blob store's folder, bound read-only into the
 * sandbox): `<dir>/<seq>-<eventId>.json` files (agent/contracts.ts InboxNudge) written by the
 * nudge-delivery service. `drain` lists the folder (one readdirSync of a small folder), reads the
 * `.json` files it has not seen, in name order (the order the nudges were recorded), and hands out
 * each nudge once — by file and by nudge id (a file that lands late, after a later one was handed
 * out, is handed out when it appears). A missing folder means no nudges yet (it appears with
 * the first one). The blob store's half-written `*.tmp` files are not `.json`, so they are skipped
 * until renamed into place. NoNudges is the inbox of a session without one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InboxNudge } from '../contracts';
import type { NudgeInbox } from '../ports';
import { errorMessage } from '../runtime/log';
import { localPathOf } from './blob-reader';

export interface FileNudgeInboxOptions {
  /** Told about a file or folder that cannot be read (drain never throws). */
  readonly warn?: (message: string) => void;
}

export class FileNudgeInbox implements NudgeInbox {
  readonly dir: string;
  /** File names already handled (handed out, duplicate, or unreadable: never retried). */
  private readonly seenFiles = new Set<string>();
  private readonly deliveredIds = new Set<string>();

  /** `ref`: the inbox folder (file://…/). Throws UnsupportedRefError for any other scheme (s3:// is not supported yet). */
  constructor(ref: string, private readonly options: FileNudgeInboxOptions = {}) {
    this.dir = localPathOf(ref);
  }

  drain(): readonly string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`cannot list the nudge inbox ${this.dir}: ${errorMessage(err)}`);
      return [];
    }
    const messages: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !this.seenFiles.has(n)).sort()) {
      this.seenFiles.add(name);
      const nudge = this.read(name);
      if (nudge === null || this.deliveredIds.has(nudge.nudgeId)) continue;
      this.deliveredIds.add(nudge.nudgeId);
      messages.push(nudge.message);
    }
    return messages;
  }

  private read(name: string): InboxNudge | null {
    try {
      const value = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as Partial<InboxNudge> | null;
      if (typeof value?.nudgeId === 'string' && typeof value.message === 'string' && value.message.trim() !== '') return value as InboxNudge;
      this.warn(`nudge ${name} skipped: it needs a nudgeId and a non-empty message`);
    } catch (err) {
      this.warn(`nudge ${name} skipped: ${errorMessage(err)}`);
    }
    return null;
  }

  private warn(message: string): void {
    this.options.warn?.(message);
  }
}

export class NoNudges implements NudgeInbox {
  drain(): readonly string[] {
    return [];
  }
}
