import { existsSync } from 'node:fs';
import { ProcfsTable } from './procfs-table.js';
import { PsTable } from './ps-table.js';

/**
 * A process as the table shows it. `start` tells it from a later process with the same PID and
 * orders processes by age; it is only ever compared with starts from the same kind of table.
 */
export interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  /** The state letter: R, S, T (stopped), Z (zombie)... */
  state: string;
  /** procfs: clock ticks since boot. ps: the start in UTC written as the number YYYYMMDDhhmmss. */
  start: number;
}

/** A process with the CPU time it and its reaped children have used (what the metrics sampler reads). */
export interface UsageStat extends ProcStat {
  /** User + system time of the process and of the children it has reaped, in ms. */
  cpuMs: number;
  /** ps: its RSS, read in the same run; procfs reads memory apart, only for the processes asked for. */
  rssBytes?: number;
}

/**
 * Where tf learns about other processes: /proc on Linux, `ps` and `lsof` elsewhere (macOS).
 * Each method reads the table once (one `ps` per call, never one per process).
 */
export interface ProcessTable {
  readonly kind: 'procfs' | 'ps';
  /** Every process (zombies included) in one read. */
  all(): ProcStat[];
  /** The given processes that still exist, in one read. */
  stats(pids: number[]): Map<number, ProcStat>;
  /** The program a process runs now (its short name); undefined if it is gone. */
  command(pid: number): string | undefined;
  /** The processes whose environment (as the program started) holds ENTRY (NAME=VALUE). */
  withEnvironment(entry: string): ProcStat[];
  /**
   * The processes listening on TCP PORT that tf may see; undefined where the platform cannot tell
   * (no /proc/net/tcp, no lsof).
   */
  listeners(port: number): number[] | undefined;
  /** Every live process with its CPU time, in one read (ps: one run, memory included). */
  usage(): UsageStat[];
  /** A process's memory: PSS where /proc/PID/smaps_rollup is readable, else RSS; undefined if gone. */
  memoryBytes(stat: UsageStat): number | undefined;
}

/** `ps` forces the ps/lsof table (the macOS path) on Linux too, so tests keep it working; `procfs` forces /proc. */
export const PROCESS_TABLE_VARIABLE = 'TF_PROCESS_TABLE';

let table: ProcessTable | undefined;

/** The table for this machine, chosen once: /proc where it is mounted, else ps and lsof. */
export function processTable(): ProcessTable {
  if (table) return table;
  const forced = process.env[PROCESS_TABLE_VARIABLE];
  const procfs = forced === 'ps' ? false : forced === 'procfs' || existsSync('/proc/self/stat');
  return (table = procfs ? new ProcfsTable() : new PsTable());
}
