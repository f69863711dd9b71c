/**
 * A `npm start` killed hard (SIGKILL, OOM) cannot stop its DynamoDB Local child, which keeps
 * running on the data directory's database. The next start (holding the start lock, so no live
 * `npm start` owns it) ends such a leftover before starting its own: two DynamoDB Locals must not
 * share one database file. A process is only ever matched by its exact `-dbPath <data-dir>/dynamodb`
 * argument (Linux /proc); nothing else is touched.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './endpoints';

/** Pids of DynamoDB Local processes serving `<dataDir>/dynamodb`. */
export function leftoverDynamoDbLocals(dataDir: string, procDir = '/proc'): number[] {
  const dbPath = path.join(path.resolve(dataDir), 'dynamodb');
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    return []; // no /proc: nothing to find
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let args: string[];
    try {
      args = readFileSync(path.join(procDir, entry, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('-dbPath');
    if (at >= 0 && args.some((a) => a.endsWith('DynamoDBLocal.jar')) && path.resolve(args[at + 1] ?? '') === dbPath) pids.push(Number(entry));
  }
  return pids;
}

/** Ends leftovers (SIGTERM, then SIGKILL after `graceMs`); returns their pids. */
export async function reapLeftovers(dataDir: string, graceMs = 5_000): Promise<number[]> {
  const pids = leftoverDynamoDbLocals(dataDir);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isProcessAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (isProcessAlive(pid)) signal(pid, 'SIGKILL');
  return pids;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
