/**
 * Archives: every event put on an archive's source bus that matches its pattern is appended to
 * `<dataDir>/archives/<name>.jsonl` (fsync'd before PutEvents answers) as `{t, event}` with t the
 * ingestion time in ms. Replayed events are not archived again (AWS's archive rules exclude events
 * carrying `replay-name`). Events past RetentionDays are dropped when the archive is opened.
 * Without a dataDir the archive is kept in memory.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ArchiveRecord, EventBridgeEvent, IngestedEvent } from './model';
import { eventMatches } from './patterns';
import { AppendLog, readJsonLines } from './persistence';

interface ArchivedLine {
  t: number;
  event: EventBridgeEvent;
}

class ArchiveLog {
  private memory: ArchivedLine[] | undefined;
  /** A rewrite dropping expired events, started by the constructor. */
  private compaction: Promise<void> | undefined;
  eventCount = 0;
  sizeBytes = 0;

  constructor(
    private readonly journal: AppendLog | undefined,
    retentionDays: number,
  ) {
    if (!journal) {
      this.memory = [];
      return;
    }
    const lines = readJsonLines<ArchivedLine>(journal.file);
    const keep = retentionDays > 0 ? lines.filter((l) => l.t >= Date.now() - retentionDays * 86_400_000) : lines;
    for (const l of keep) this.count(l);
    if (keep.length !== lines.length) this.compaction = journal.rewrite(keep);
  }

  private count(l: ArchivedLine): void {
    this.eventCount++;
    this.sizeBytes += Buffer.byteLength(JSON.stringify(l.event));
  }

  async append(lines: ArchivedLine[]): Promise<void> {
    await this.compaction;
    if (this.journal) await this.journal.append(lines);
    else this.memory!.push(...lines);
    for (const l of lines) this.count(l);
  }

  /** Archived events with start ≤ t < end, in order. */
  async read(startMs: number, endMs: number): Promise<ArchivedLine[]> {
    await this.compaction;
    const all = this.memory ?? readJsonLines<ArchivedLine>(this.journal!.file);
    return all.filter((l) => l.t >= startMs && l.t < endMs);
  }

  async close(): Promise<void> {
    await this.compaction;
    await this.journal?.close();
  }
}

export class ArchiveStore {
  private readonly logs = new Map<string, ArchiveLog>();

  constructor(private readonly dataDir: string | undefined) {}

  private file(name: string): string {
    return path.join(this.dataDir!, 'archives', `${name}.jsonl`);
  }

  private log(archive: ArchiveRecord): ArchiveLog {
    let log = this.logs.get(archive.ArchiveName);
    if (!log) {
      log = new ArchiveLog(this.dataDir ? new AppendLog(this.file(archive.ArchiveName)) : undefined, archive.RetentionDays);
      this.logs.set(archive.ArchiveName, log);
    }
    return log;
  }

  /** Records the events of one PutEvents call in the archives of their bus. */
  async record(archives: readonly ArchiveRecord[], sourceBusArn: string, events: readonly IngestedEvent[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const archive of archives) {
      if (archive.EventSourceArn !== sourceBusArn || archive.State !== 'ENABLED') continue;
      const lines = events.filter((e) => e.event['replay-name'] === undefined && eventMatches(archive.EventPattern, e.event)).map((e) => ({ t: e.ingestionTime, event: e.event }));
      if (lines.length) writes.push(this.log(archive).append(lines));
    }
    await Promise.all(writes);
  }

  stats(archive: ArchiveRecord): { EventCount: number; SizeBytes: number } {
    const log = this.log(archive);
    return { EventCount: log.eventCount, SizeBytes: log.sizeBytes };
  }

  read(archive: ArchiveRecord, startMs: number, endMs: number): Promise<ArchivedLine[]> {
    return this.log(archive).read(startMs, endMs);
  }

  /** Forgets an archive and deletes its events. */
  async delete(name: string): Promise<void> {
    const log = this.logs.get(name);
    this.logs.delete(name);
    await log?.close();
    if (this.dataDir) await fsp.rm(this.file(name), { force: true });
  }

  async close(): Promise<void> {
    await Promise.all([...this.logs.values()].map((l) => l.close()));
  }
}
