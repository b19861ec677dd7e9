import { processTable, type ProcStat } from './process-table.js';

export type { ProcStat } from './process-table.js';

/**
 * Every process tf starts carries this variable with a value unique to that tf. In portable mode
 * (no shim), a daemon that double-forks and calls setsid leaves both its parent's tree and its
 * process group, but usually keeps its environment, so this is how tf (and its watchdog) still
 * finds it. It is a hint, never a licence: see markedProcesses.
 */
export const MARKER_VARIABLE = 'TF_SUPERVISOR_ID';

/** A process identified for good: its PID together with its start time. */
export interface Identity {
  pid: number;
  start: number;
}

/**
 * Live (non-zombie) processes whose initial environment holds MARKER_VARIABLE=marker and that
 * started no earlier than SINCE (the supervisor's own start): a process older than tf cannot be
 * one tf started, whatever variable it copied.
 */
export function markedProcesses(marker: string, since: number): Identity[] {
  return processTable()
    .withEnvironment(`${MARKER_VARIABLE}=${marker}`)
    .filter((stat) => stat.pid !== process.pid && !isGone(stat) && stat.start >= since)
    .map(({ pid, start }) => ({ pid, start }));
}

let own: number | undefined;

/** When tf itself started, as the table counts (0 if it cannot be read): nothing older is tf's. */
export function ownStart(): number {
  return (own ??= procStat(process.pid)?.start ?? 0);
}

const pending = new Map<number, Array<(stat: ProcStat | undefined) => void>>();

/**
 * Reads PID from the table together with every other PID asked for in this synchronous run of
 * code (a formation starting: one ps for all, not one per process), and calls DONE with it. It
 * runs before the event loop moves on, so before Node can reap the process; flushIdentities()
 * reads at once.
 */
export function identifySoon(pid: number, done: (stat: ProcStat | undefined) => void): void {
  if (pending.size === 0) queueMicrotask(flushIdentities);
  const waiting = pending.get(pid);
  if (waiting) waiting.push(done);
  else pending.set(pid, [done]);
}

/** Reads every PID identifySoon was asked for, now. */
export function flushIdentities(): void {
  if (pending.size === 0) return;
  const batch = [...pending];
  pending.clear();
  const stats = processTable().stats(batch.map(([pid]) => pid));
  for (const [pid, callbacks] of batch) for (const done of callbacks) done(stats.get(pid));
}

/** One process from the table; undefined if it is gone (or cannot be seen). */
export function procStat(pid: number): ProcStat | undefined {
  return processTable().stats([pid]).get(pid);
}

/** The program a process runs now; undefined if it is gone or cannot be seen. */
export function commandName(pid: number): string | undefined {
  return processTable().command(pid);
}

/** A zombie has exited and only waits to be reaped: it cannot be killed, and its PID is not yet free. */
function isGone(stat: ProcStat): boolean {
  return stat.state.startsWith('Z') || stat.state.startsWith('X');
}

/** True while STAT is still the very process IDENTITY named (same start time), and not a zombie. */
function isStill(identity: Identity, stat: ProcStat | undefined): boolean {
  return stat !== undefined && stat.start === identity.start && !isGone(stat);
}

/** Sends SIGNAL to each of IDENTITIES that is still that process, re-checked in one read; how many were signalled. */
export function signalIdentities(identities: Identity[], signal: NodeJS.Signals): number {
  if (identities.length === 0) return 0;
  const stats = processTable().stats(identities.map((identity) => identity.pid));
  let signalled = 0;
  for (const identity of identities) {
    if (!isStill(identity, stats.get(identity.pid))) continue;
    try {
      process.kill(identity.pid, signal);
      signalled++;
    } catch {
      // gone since the read
    }
  }
  return signalled;
}

/** The processes among PIDS that are stopped (state T, or t: traced), in one read. */
export function stoppedProcesses(pids: number[]): Set<number> {
  const stats = processTable().stats(pids);
  return new Set([...stats.values()].filter((stat) => /^[Tt]/.test(stat.state)).map((stat) => stat.pid));
}

/** Every live process, read once: what the walks below look through. */
export function allProcesses(): ProcStat[] {
  return processTable()
    .all()
    .filter((stat) => !isGone(stat));
}

/** STATS by parent PID: built once, it serves the walks of many roots (the metrics sampler's). */
export function childrenIndex(stats: ProcStat[]): Map<number, ProcStat[]> {
  const byParent = new Map<number, ProcStat[]>();
  // One list per parent, appended to (a copy per child was quadratic for 1,000 children of one parent).
  for (const stat of stats) {
    const siblings = byParent.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else byParent.set(stat.ppid, [stat]);
  }
  return byParent;
}

/**
 * The descendants of ROOTS (by parent PID, as the kernel records them), each no older than its
 * parent: a process cannot have started before the one that forked it, so an older one with a
 * matching parent PID belongs to an earlier owner of that PID.
 */
export function descendants(roots: Identity[], stats: ProcStat[] = allProcesses(), byParent = childrenIndex(stats)): Identity[] {
  const found: Identity[] = [];
  const queue = [...roots];
  for (let at = 0, next = queue[0]; next; next = queue[++at]) {
    for (const child of byParent.get(next.pid) ?? []) {
      if (child.start < next.start) continue;
      const identity = { pid: child.pid, start: child.start };
      found.push(identity);
      queue.push(identity);
    }
  }
  return found;
}
