/**
 * Process inspection for the local compute (Linux /proc; elsewhere a `kill(pid, 0)` fallback).
 *
 * A process is identified by its pid AND its start time (field 22 of /proc/<pid>/stat, clock ticks
 * since boot), so a recycled pid is never mistaken for the agent. Zombies count as gone.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly startTicks: number;
}

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

export function readStat(pid: number): ProcStat | null {
  if (!HAS_PROC) return null;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may contain spaces or ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: rest[0]!,
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    sid: Number(rest[3]),
    startTicks: Number(rest[19]),
  };
}

/** Start time of a live process (null without /proc, or when it is gone). */
export function startTicksOf(pid: number): number | null {
  return readStat(pid)?.startTicks ?? null;
}

/** Whether the process `pid` that started at `startTicks` still runs (not a zombie, not a recycled pid). */
export function isAlive(pid: number, startTicks: number | null | undefined): boolean {
  if (HAS_PROC) {
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
    return startTicks === null || startTicks === undefined || stat.startTicks === startTicks;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every live descendant of `rootPid` (children, grandchildren…), from one scan of /proc. */
export function descendantsOf(rootPid: number): ProcStat[] {
  if (!HAS_PROC) return [];
  const byParent = new Map<number, ProcStat[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat || stat.state === 'Z') continue;
    const siblings = byParent.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else byParent.set(stat.ppid, [stat]);
  }
  const out: ProcStat[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

const OWN_PGID = readStat(process.pid)?.pgid ?? null;

/** Sends `signal` to a process group; never to ours, never to init's. Missing groups are fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (pgid <= 1 || pgid === OWN_PGID || pgid === process.pid) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to one process when it is still the one that started at `startTicks`. */
export function signalProcess(pid: number, startTicks: number | null, signal: NodeJS.Signals): boolean {
  if (pid <= 1 || pid === process.pid || !isAlive(pid, startTicks)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
