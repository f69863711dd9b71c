/**
 * Telemetry into a JSON Lines file: the same TelemetryRecords the Kinesis publisher puts on the
 * stream (type, taskId, sessionId, seq, at, event/report), one per line, appended synchronously so
 * a record is on disk before the next step (and before a signal's exit). For development, tests and
 * debugging: chosen by ABCA_TELEMETRY_FILE (agent/wiring.ts).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FinalReport, ProgressEvent, TelemetryRecord } from '../contracts';
import type { Telemetry } from '../ports';

export class FileTelemetry implements Telemetry {
  private seq = 0;

  constructor(
    readonly file: string,
    private readonly ids: { readonly taskId: string; readonly sessionId: string },
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  progress(event: ProgressEvent): void {
    this.put((base) => ({ type: 'progress', ...base, event }));
  }

  heartbeat(): void {
    this.put((base) => ({ type: 'heartbeat', ...base }));
  }

  async finalReport(report: FinalReport): Promise<void> {
    this.put((base) => ({ type: 'final_report', ...base, report }), true);
  }

  async close(): Promise<void> {}

  private put(build: (base: { taskId: string; sessionId: string; seq: number; at: string }) => TelemetryRecord, mustSucceed = false): void {
    try {
      const record = build({ ...this.ids, seq: ++this.seq, at: new Date().toISOString() });
      appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    } catch (err) {
      if (mustSucceed) throw err;
      process.stderr.write(`file telemetry: ${(err as Error).message}\n`);
    }
  }
}

/** Reads the records back (tests). */
export function readTelemetryFile(text: string): TelemetryRecord[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TelemetryRecord);
}
