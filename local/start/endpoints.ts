/**
 * `<data-dir>/endpoints.json`: what a running `npm start` serves, for clients and tools on this
 * machine (the demo, tests, the aws CLI with --endpoint-url). Written once everything is up (its
 * appearance means "ready"), removed on a clean shutdown. A crash leaves it behind: readers check
 * that `pid` is alive and the API answers before trusting it, and the next start overwrites it.
 */
import path from 'node:path';
import { readIfExists, removeIfExists, writeFileAtomic } from './files';

export interface Endpoints {
  readonly api_url: string;
  readonly eventbridge_url: string;
  readonly dynamodb_url: string;
  readonly kinesis_url: string;
  readonly forge_url: string;
  /** The `npm start` process. */
  readonly pid: number;
  readonly started_at: string;
}

function endpointsFile(dataDir: string): string {
  return path.join(dataDir, 'endpoints.json');
}

export function writeEndpoints(dataDir: string, endpoints: Endpoints): string {
  const file = endpointsFile(dataDir);
  writeFileAtomic(file, `${JSON.stringify(endpoints, null, 2)}\n`, 0o644);
  return file;
}

/** The endpoints file's content; undefined when absent or not an endpoints file. */
export function readEndpoints(dataDir: string): Endpoints | undefined {
  const raw = readIfExists(endpointsFile(dataDir));
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<Endpoints>;
    return typeof parsed.api_url === 'string' && typeof parsed.forge_url === 'string' ? (parsed as Endpoints) : undefined;
  } catch {
    return undefined;
  }
}

export function removeEndpoints(dataDir: string): void {
  removeIfExists(endpointsFile(dataDir));
}

/** Whether process `pid` exists (signal 0; EPERM means it exists under another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
