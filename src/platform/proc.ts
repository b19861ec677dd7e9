import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process tf starts carries this variable with a value unique to that tf. In portable mode
 * (no shim), a daemon that double-forks and calls setsid leaves both its parent's tree and its
 * process group, but usually keeps its environment, so this is how tf (and its watchdog) still
 * finds it. Linux only (/proc). It is a hint, never a licence: see markedProcesses.
 */
export const MARKER_VARIABLE = 'TF_SUPERVISOR_ID';

/** A process as /proc/PID/stat shows it. `start` (clock ticks since boot) tells it from a later one with the same PID. */
export interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  start: number;
}

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
  const needle = Buffer.from(`${MARKER_VARIABLE}=${marker}\0`);
  const inside = Buffer.concat([Buffer.from('\0'), needle]);
  const found: Identity[] = [];
  for (const pid of processIds()) {
    if (pid === process.pid) continue;
    const environ = readOrEmpty(`/proc/${pid}/environ`);
    if (environ.indexOf(needle) !== 0 && environ.indexOf(inside) === -1) continue;
    const stat = procStat(pid);
    if (stat && !isGone(stat) && stat.start >= since) found.push({ pid, start: stat.start });
  }
  return found;
}

/** /proc/PID/stat, parsed; undefined if the process is gone (or there is no /proc). */
export function procStat(pid: number): ProcStat | undefined {
  const text = readOrEmpty(`/proc/${pid}/stat`).toString();
  // The command (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields.length < 20) return undefined;
  return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), start: Number(fields[19]) };
}

/** The program a process runs now (/proc/PID/comm); undefined if it is gone or there is no /proc. */
export function commandName(pid: number): string | undefined {
  return readOrEmpty(`/proc/${pid}/comm`).toString().trimEnd() || undefined;
}

/** A zombie has exited and only waits to be reaped; it holds no resources and cannot be killed. */
export function isZombie(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && isGone(stat);
}

function isGone(stat: ProcStat): boolean {
  return stat.state === 'Z' || stat.state === 'X';
}

/** True while PID is still the very process IDENTITY named (same start time), and not a zombie. */
export function stillRunning(identity: Identity): boolean {
  const stat = procStat(identity.pid);
  return stat !== undefined && stat.start === identity.start && !isGone(stat);
}

/** Sends SIGNAL to IDENTITY if it is still that process; false if it is gone (or was never there). */
export function signalIdentity(identity: Identity, signal: NodeJS.Signals): boolean {
  if (!stillRunning(identity)) return false;
  try {
    process.kill(identity.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Every live process, parsed once: what the walks below look through. */
export function allProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const pid of processIds()) {
    const stat = procStat(pid);
    if (stat && !isGone(stat)) stats.push(stat);
  }
  return stats;
}

/**
 * The descendants of ROOTS (by parent PID, as the kernel records them), each no older than its
 * parent: a process cannot have started before the one that forked it, so an older one with a
 * matching parent PID belongs to an earlier owner of that PID.
 */
export function descendants(roots: Identity[], stats: ProcStat[] = allProcesses()): Identity[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const stat of stats) byParent.set(stat.ppid, [...(byParent.get(stat.ppid) ?? []), stat]);
  const found: Identity[] = [];
  const queue = [...roots];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const child of byParent.get(next.pid) ?? []) {
      if (child.start < next.start) continue;
      const identity = { pid: child.pid, start: child.start };
      found.push(identity);
      queue.push(identity);
    }
  }
  return found;
}

/** Every process id in /proc (none where there is no /proc). */
export function processIds(): number[] {
  try {
    return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
}

/** A /proc file, or nothing if the process is gone or hidden. */
export function readOrEmpty(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}
