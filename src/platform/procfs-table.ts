import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import type { ProcessTable, ProcStat, UsageStat } from './process-table.js';

/**
 * /proc counts CPU time in USER_HZ ticks, which the kernel fixes at 100 a second for every
 * architecture Node runs on (sysconf(_SC_CLK_TCK) is not reachable from Node).
 */
const MS_PER_TICK = 10;

/** The process table read from /proc (Linux). */
export class ProcfsTable implements ProcessTable {
  readonly kind = 'procfs';

  all(): ProcStat[] {
    return this.list(processIds());
  }

  stats(pids: number[]): Map<number, ProcStat> {
    return new Map(this.list(pids).map((stat) => [stat.pid, stat]));
  }

  command(pid: number): string | undefined {
    return readOrEmpty(`/proc/${pid}/comm`).toString().trimEnd() || undefined;
  }

  withEnvironment(entry: string): ProcStat[] {
    const needle = Buffer.from(`${entry}\0`);
    const inside = Buffer.concat([Buffer.from('\0'), needle]);
    return this.list(
      processIds().filter((pid) => {
        const environ = readOrEmpty(`/proc/${pid}/environ`);
        return environ.indexOf(needle) === 0 || environ.indexOf(inside) !== -1;
      }),
    );
  }

  listeners(port: number): number[] | undefined {
    if (!existsSync('/proc/net/tcp')) return undefined;
    const inodes = new Set([...listeningInodes('/proc/net/tcp', port), ...listeningInodes('/proc/net/tcp6', port)]);
    // A listener in another network namespace, or hidden: nobody can be named.
    if (inodes.size === 0) return undefined;
    return processIds().filter((pid) => socketInodes(pid).some((inode) => inodes.has(inode)));
  }

  usage(): UsageStat[] {
    return processIds().flatMap((pid) => {
      const fields = statFields(pid);
      if (!fields) return [];
      // utime, stime, cutime, cstime (fields 14 to 17 of stat(5)).
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      return [{ ...statOf(pid, fields), cpuMs: ticks * MS_PER_TICK }];
    });
  }

  memoryBytes(stat: UsageStat): number | undefined {
    // Pss shares each shared page among its users: forty workers forked from one parent do not
    // count the parent's memory forty times. smaps_rollup needs Linux 4.14 and ptrace access.
    const pss = kilobytes(readSmall(`/proc/${stat.pid}/smaps_rollup`), PSS);
    return pss ?? kilobytes(readSmall(`/proc/${stat.pid}/status`), VM_RSS);
  }

  private list(pids: number[]): ProcStat[] {
    return pids.flatMap((pid) => procStat(pid) ?? []);
  }
}

/**
 * A small /proc file (stat, status, smaps_rollup: well under 8 KiB) as text, read into one buffer
 * kept for it: the sampler reads hundreds every interval, and readFileSync's fstat and fresh
 * buffer per file were a third of that cost. Empty if the process is gone or hidden.
 */
function readSmall(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const length = readSync(fd, SMALL, 0, SMALL.length, null);
    return length < SMALL.length ? SMALL.toString('latin1', 0, length) : readOrEmpty(path).toString('latin1');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const SMALL = Buffer.alloc(8192);

/** /proc/PID/stat, parsed; undefined if the process is gone. */
function procStat(pid: number): ProcStat | undefined {
  const fields = statFields(pid);
  return fields && statOf(pid, fields);
}

/** The fields of /proc/PID/stat from the state (field 3) on; undefined if the process is gone. */
function statFields(pid: number): string[] | undefined {
  const text = readSmall(`/proc/${pid}/stat`);
  // The command (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields.length < 20 ? undefined : fields;
}

function statOf(pid: number, fields: string[]): ProcStat {
  return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), start: Number(fields[19]) };
}

const PSS = /^Pss:\s+(\d+) kB/m;
const VM_RSS = /^VmRSS:\s+(\d+) kB/m;

/** A "Pss:  1234 kB" line of a /proc file, in bytes; undefined if the file (or the line) is not there. */
function kilobytes(text: string, line: RegExp): number | undefined {
  const match = line.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

function processIds(): number[] {
  try {
    return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
}

/** A /proc file, or nothing if the process is gone or hidden. */
function readOrEmpty(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}

const LISTEN = '0A';

function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readOrEmpty(table)
    .toString()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === LISTEN)
    .map((cols) => cols[9] ?? '');
}

/** The inodes of the sockets a process has open (none if it is gone or not ours to read). */
function socketInodes(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  return fds.flatMap((fd) => /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`) ?? '')?.[1] ?? []);
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
