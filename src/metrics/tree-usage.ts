import { childrenIndex, descendants } from '../platform/proc.js';
import type { ProcessTable, UsageStat } from '../platform/process-table.js';

/** Where a process's tree starts: the shim (not counted: it is tf's, not the app's) or the program itself. */
export interface TreeRoot {
  pid: number;
  countsItself: boolean;
}

/** What a process and everything under it use at one moment. */
export interface TreeUsage {
  /** Identifies the run: a restart gets a new root, so CPU time is not compared across runs. */
  rootPid: number;
  rootStart: number;
  cpuMs: number;
  memoryBytes: number;
  /** The processes of the tree, not counting the process itself (nor the shim). */
  descendants: number;
}

/**
 * Reads the usage of every tree in ROOTS from one read of TABLE (one /proc scan or one ps run for
 * the whole formation, not one per process); memory is read only for the members of the trees.
 */
export function treeUsages(table: ProcessTable, roots: Map<string, TreeRoot>): Map<string, TreeUsage> {
  const live = table.usage().filter((stat) => !/^[ZX]/.test(stat.state));
  const byPid = new Map(live.map((stat) => [stat.pid, stat]));
  const byParent = childrenIndex(live);
  const out = new Map<string, TreeUsage>();
  for (const [name, root] of roots) {
    const top = byPid.get(root.pid);
    if (!top) continue;
    const members = descendants([top], live, byParent).flatMap((identity) => byPid.get(identity.pid) ?? []);
    if (root.countsItself) members.unshift(top);
    out.set(name, sum(table, top, members));
  }
  return out;
}

function sum(table: ProcessTable, top: UsageStat, members: UsageStat[]): TreeUsage {
  let cpuMs = 0;
  let memoryBytes = 0;
  for (const stat of members) {
    cpuMs += stat.cpuMs;
    memoryBytes += table.memoryBytes(stat) ?? 0;
  }
  return { rootPid: top.pid, rootStart: top.start, cpuMs, memoryBytes, descendants: Math.max(0, members.length - 1) };
}
