import { spawnSync } from 'node:child_process';
import type { ProcessTable, ProcStat, UsageStat } from './process-table.js';

// Fields that macOS's BSD ps and Linux's procps both have. lstart is the start time to the second
// ("Tue Dec  1 03:28:04 2026" in the C locale, in UTC with TZ=UTC); it is the identity that tells
// a process from a later one with the same PID. comm comes last: it may hold spaces.
const FIELDS = 'pid=,ppid=,pgid=,stat=,lstart=';
/** Show each process's environment after its arguments: -E on macOS, the BSD-style `e` for procps. */
export const PS_ENVIRONMENT_FLAG = process.platform === 'darwin' ? '-E' : 'e';

/** The process table from `ps` (one run per call) and port owners from `lsof` (macOS, or TF_PROCESS_TABLE=ps). */
export class PsTable implements ProcessTable {
  readonly kind = 'ps';
  private snapshot: ProcStat[] | undefined;

  /**
   * Kept until the event loop turns: when many processes end at once (a shutdown), Node reports
   * their exits in one turn, and each looks for what its process left behind; one ps serves them
   * all. Only finding uses it: every signal re-checks its target afresh (stats).
   */
  all(): ProcStat[] {
    if (this.snapshot) return this.snapshot;
    this.snapshot = parsePs(ps(['-A', '-o', `${FIELDS},comm=`])).map((row) => row.stat);
    setImmediate(() => (this.snapshot = undefined)).unref();
    return this.snapshot;
  }

  stats(pids: number[]): Map<number, ProcStat> {
    if (pids.length === 0) return new Map();
    return new Map(parsePs(ps(['-o', `${FIELDS},comm=`, '-p', pids.join(',')])).map((row) => [row.stat.pid, row.stat]));
  }

  command(pid: number): string | undefined {
    const row = parsePs(ps(['-o', `${FIELDS},comm=`, '-p', String(pid)]))[0];
    return row && shortName(row.rest);
  }

  withEnvironment(entry: string): ProcStat[] {
    // One run lists every process with its arguments and environment; a hint only (the caller
    // checks start times), so matching a whole word of that text is enough.
    const rows = parsePs(ps(['-A', '-ww', '-o', `${FIELDS},command=`, PS_ENVIRONMENT_FLAG]));
    return rows.filter((row) => row.rest.split(/\s+/).includes(entry)).map((row) => row.stat);
  }

  usage(): UsageStat[] {
    // time: CPU time (macOS "1:02.35", hundredths; procps "00:01:02", whole seconds); rss in KiB.
    return parsePs(ps(['-A', '-o', `${FIELDS},time=,rss=`])).flatMap((row) => {
      const [time = '', rss = ''] = row.rest.split(/\s+/);
      const cpuMs = parseCpuTime(time);
      return cpuMs === undefined || !/^\d+$/.test(rss) ? [] : [{ ...row.stat, cpuMs, rssBytes: Number(rss) * 1024 }];
    });
  }

  memoryBytes(stat: UsageStat): number | undefined {
    return stat.rssBytes;
  }

  listeners(port: number): number[] | undefined {
    const result = spawnSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fp'], { encoding: 'utf8', env: cEnv(), maxBuffer: 1 << 20 });
    // No lsof here: the owner of a port simply cannot be named.
    if (result.error || result.status === null) return undefined;
    return parseLsofPids(result.stdout);
  }
}

export interface PsRow {
  stat: ProcStat;
  /** What follows the fixed fields: comm, or command and environment. */
  rest: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ROW = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})(?:\s(.*))?$/;

/** Rows of `ps -o pid=,ppid=,pgid=,stat=,lstart=,...`; lines that do not parse are skipped. */
export function parsePs(output: string): PsRow[] {
  return output.split('\n').flatMap((line) => {
    const m = ROW.exec(line);
    const month = m ? MONTHS.indexOf(m[5]!) + 1 : 0;
    if (!m || month === 0) return [];
    const [day, hour, minute, second, year] = [m[6], m[7], m[8], m[9], m[10]].map(Number) as [number, number, number, number, number];
    const start = ((((year * 100 + month) * 100 + day) * 100 + hour) * 100 + minute) * 100 + second;
    return [{ stat: { pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), state: m[4]!, start }, rest: m[11]?.trim() ?? '' }];
  });
}

/** ps's time column ([DD-][HH:]MM:SS[.hh]) in ms; undefined if it is not one. */
export function parseCpuTime(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (!m) return undefined;
  const [days, hours, minutes, seconds] = [m[1] ?? '0', m[2] ?? '0', m[3]!, m[4]!].map(Number) as [number, number, number, number];
  return Math.round((((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000);
}

/** The PIDs in `lsof -F p` output (lines "p1234"). */
export function parseLsofPids(output: string): number[] {
  return output.split('\n').flatMap((line) => (/^p(\d+)$/.test(line) ? [Number(line.slice(1))] : []));
}

/** macOS's comm is the program's path; procps's is its name (which may itself hold a slash: kworker/0). */
export function shortName(comm: string): string | undefined {
  const name = comm.startsWith('/') ? comm.slice(comm.lastIndexOf('/') + 1) : comm;
  return name || undefined;
}

/** ps's output, or nothing if it cannot run (then no process can be found, as without /proc). */
function ps(args: string[]): string {
  const result = spawnSync('ps', args, { encoding: 'utf8', env: cEnv(), maxBuffer: 256 << 20 });
  return result.error ? '' : result.stdout;
}

/** The C locale (English month names) and UTC (no daylight-saving jumps in lstart). */
function cEnv(): NodeJS.ProcessEnv {
  // macOS keeps lsof in /usr/sbin, which a user's PATH may lack.
  return { PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/sbin:/sbin`, LC_ALL: 'C', TZ: 'UTC' };
}
