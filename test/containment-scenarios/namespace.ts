import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { cleanEnv, TF_BIN, type TfResult } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

// Containment scenarios run tf inside a private PID namespace that the test owns (user + PID +
// mount namespace, as an ordinary user). Three reasons:
//  - a daemon that runs `env -i setsid`, or overwrites its environ, carries no tag a test could
//    look for; inside the namespace, "what is left" is simply every process in it;
//  - a fork storm or a daemon tf failed to stop cannot escape: the test kills the namespace;
//  - PID reuse can be forced: /proc/sys/kernel/ns_last_pid is writable by the namespace's owner.
// tf is NOT the namespace's init (that would make the kernel clean up for it): a small reaping
// init is, and tf is started beside it with nsenter, as an ordinary process of the namespace.
// The namespace maps the test's user to root (unshare -r, the only mapping an ordinary user may
// make alone), so tf runs there as root of that namespace: permission checks on the test's own
// files pass as they would for root. Containment is what these tests are about, not permissions.

const INIT = 'while (1) { if (wait() == -1) { select(undef, undef, undef, 0.05) } }';

let support: string | undefined;

/**
 * tf's containment modes (README "Containment"): the default (the shim where it is available) and
 * the portable fallback. What tf promises in both (never signal a stranger) is tested in both.
 */
export const MODES: Record<string, Record<string, string>> = {
  default: {},
  portable: { TF_CONTAINMENT: 'portable' },
  // The portable mode with ps and lsof instead of /proc (what runs on macOS), forced on Linux.
  'portable, ps': { TF_CONTAINMENT: 'portable', TF_PROCESS_TABLE: 'ps' },
};

/**
 * TF_SCENARIO_CONTAINMENT=portable runs every scenario with TF_CONTAINMENT=portable, to see what
 * the fallback contains (several scenarios are expected to fail there: see README "Containment").
 */
const FORCED_MODE = {
  ...(process.env.TF_SCENARIO_CONTAINMENT ? { TF_CONTAINMENT: process.env.TF_SCENARIO_CONTAINMENT } : {}),
  ...(process.env.TF_PROCESS_TABLE ? { TF_PROCESS_TABLE: process.env.TF_PROCESS_TABLE } : {}),
};

/** Why PID namespaces cannot be used here, or undefined when they can. */
export function namespaceUnsupported(): string | undefined {
  if (support === undefined) {
    const probe = spawnSync('unshare', ['-Upfr', '--mount-proc', '--', 'sh', '-c', 'echo 300 > /proc/sys/kernel/ns_last_pid'], { encoding: 'utf8', timeout: 10_000 });
    const perl = spawnSync('perl', ['-e', '1'], { timeout: 10_000 });
    support = probe.status !== 0 ? `unshare -Upfr --mount-proc fails here (${(probe.stderr ?? String(probe.error)).trim()})` : perl.status !== 0 ? 'perl is missing (the namespace init)' : '';
  }
  return support || undefined;
}

export interface ProcessInfo {
  outerPid: number;
  nsPid: number;
  cmdline: string;
}

/** A private PID namespace, killed (with everything in it) when the test ends. */
export class Namespace {
  private readonly unshare: ChildProcess;
  private initPid = 0;
  private nsLink = '';
  /** Processes a test started on purpose that are not tf's (strangers): never survivors. */
  private readonly exempt = new Set<string>();

  constructor() {
    this.unshare = spawn('unshare', ['-Upfr', '--mount-proc', '--kill-child', '--', 'perl', '-e', INIT], { stdio: 'ignore', env: cleanEnv() });
    onTestFinished(() => this.destroy());
  }

  /** Waits until the namespace's init runs. */
  async ready(): Promise<this> {
    this.initPid = await waitFor(() => childrenOf(this.unshare.pid!)[0], 'the namespace init to start', 10_000);
    // Only once init runs perl has unshare mounted the namespace's /proc: entering earlier would
    // show tf the machine's /proc (its pids then name other processes).
    await waitFor(() => readOr(`/proc/${this.initPid}/cmdline`)?.startsWith('perl\0'), 'the namespace init to run', 10_000);
    this.nsLink = await waitFor(() => {
      const link = nsOf(this.initPid);
      return link !== undefined && link !== nsOf(process.pid) ? link : undefined;
    }, 'the namespace init to enter its namespace', 10_000);
    return this;
  }

  get init(): number {
    return this.initPid;
  }

  /** nsenter arguments that run a command as a process of this namespace, in `cwd`. */
  enter(cwd: string, command: string[]): [string, string[]] {
    return ['nsenter', ['-t', String(this.initPid), '-U', '-p', '-m', '--preserve-credentials', `--wd=${cwd}`, '--', ...command]];
  }

  /** Starts `tf ARGS` inside the namespace. */
  tf(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): NsTf {
    const [file, argv] = this.enter(options.cwd, [process.execPath, TF_BIN, ...args]);
    const tf = new NsTf(spawn(file, argv, { cwd: options.cwd, env: cleanEnv({ ...FORCED_MODE, ...options.env }), stdio: ['pipe', 'pipe', 'pipe'] }));
    // tf's pipes stay open while anything in the namespace holds them, so its end is not
    // awaited here: the namespace's own clean-up (which kills everything) comes after.
    onTestFinished(() => {
      if (!tf.finished) signal(childrenOf(tf.nsenter.pid!)[0] ?? tf.nsenter.pid!, 'SIGKILL');
    });
    return tf;
  }

  /** Runs `sh -c SCRIPT ARGS` inside the namespace; resolves with its stdout. */
  async sh(script: string, args: string[] = [], cwd = '/', env: Record<string, string | undefined> = {}): Promise<string> {
    const [file, argv] = this.enter(cwd, ['sh', '-c', script, 'sh', ...args]);
    const result = spawnSync(file, argv, { encoding: 'utf8', env: cleanEnv(env), timeout: 20_000 });
    if (result.status !== 0) throw new Error(`sh -c ${script} in the namespace failed: ${result.status ?? result.signal} ${result.stderr}`);
    return result.stdout;
  }

  /**
   * A stranger: `setsid sleep 600` started beside tf (not by it), so it leads a session and
   * process group of its own. With `pid`, it waits until nothing in the namespace holds that
   * number any more and makes the kernel hand it out next, so the stranger gets exactly that pid
   * and group number. Its environment is `env` and nothing else (e.g. a copy of a tf process's).
   */
  async stranger(pid: number | undefined, env: Record<string, string> = { PATH: '/usr/bin:/bin' }): Promise<Stranger> {
    const assignments = Object.entries(env).map(([key, value]) => `${key}=${value}`);
    // kill -0 -N also sees a group whose leader is gone; a zombie still holds its number.
    const script = `
      p=$1; shift; n=0
      if [ "$p" -gt 0 ]; then
        while kill -0 "$p" 2>/dev/null || kill -0 "-$p" 2>/dev/null; do
          n=$((n+1)); [ $n -gt 250 ] && { echo "pid $p still in use" >&2; exit 1; }; sleep 0.02
        done
        echo $((p - 1)) > /proc/sys/kernel/ns_last_pid
      fi
      env -i "$@" setsid sleep 600 </dev/null >/dev/null 2>&1 &
      echo $!`;
    for (let attempt = 0; attempt < 20; attempt++) {
      const got = Number((await this.sh(script, [String(pid ?? 0), ...assignments])).trim());
      const outer = await waitFor(() => this.outerPidOf(got), `the stranger ${got} to show up`, 5000);
      if (pid === undefined || got === pid) {
        const stranger = new Stranger(outer, got);
        this.exempt.add(stranger.key);
        return stranger;
      }
      // Something else in the namespace forked in between: try again.
      signal(outer, 'SIGKILL');
    }
    throw new Error(`could not make a stranger take pid ${pid}`);
  }

  /** Live (non-zombie) processes in the namespace, except its init and the strangers. */
  processes(): ProcessInfo[] {
    const found: ProcessInfo[] = [];
    for (const outerPid of allPids()) {
      if (outerPid === this.initPid || nsOf(outerPid) !== this.nsLink) continue;
      const stat = readOr(`/proc/${outerPid}/stat`);
      if (stat === undefined || isZombieStat(stat) || this.exempt.has(`${outerPid}:${startTime(stat)}`)) continue;
      found.push({ outerPid, nsPid: nsPidOf(outerPid) ?? 0, cmdline: (readOr(`/proc/${outerPid}/cmdline`) ?? '?').replaceAll('\0', ' ').trim() });
    }
    return found;
  }

  /**
   * Waits until nothing but init and the strangers is alive in the namespace, sampled five times
   * in a row (a relay fork storm can slip past one scan of /proc between a fork and an exit).
   */
  async expectEmpty(what: string, timeoutMs: number): Promise<void> {
    let clean = 0;
    let left: ProcessInfo[] = [];
    try {
      await waitFor(() => {
        left = this.processes();
        clean = left.length === 0 ? clean + 1 : 0;
        return clean >= 5;
      }, what, timeoutMs);
    } catch {
      throw new Error(`${what}: still running after ${timeoutMs} ms: ${left.map((p) => `[${p.nsPid}] ${p.cmdline}`).slice(0, 10).join('; ')}${left.length > 10 ? ` and ${left.length - 10} more` : ''}`);
    }
  }

  /** Outer pid of the process that has `nsPid` in this namespace. */
  outerPidOf(nsPid: number): number | undefined {
    return allPids().find((pid) => nsOf(pid) === this.nsLink && nsPidOf(pid) === nsPid);
  }

  private async destroy(): Promise<void> {
    if (this.unshare.exitCode === null && this.unshare.signalCode === null) {
      const closed = new Promise((resolve) => this.unshare.once('close', resolve));
      this.unshare.kill('SIGKILL');
      await closed;
    }
    // --kill-child SIGKILLs init; the kernel then kills the whole namespace. Wait for it.
    if (this.initPid) await waitFor(() => readOr(`/proc/${this.initPid}/stat`) === undefined || isZombieStat(readOr(`/proc/${this.initPid}/stat`)!), 'the namespace to end', 10_000).catch(() => {});
  }
}

/** A process the test started that tf must never signal. */
export class Stranger {
  readonly key: string;
  private readonly start: string;

  constructor(readonly outerPid: number, readonly nsPid: number) {
    this.start = startTime(readOr(`/proc/${outerPid}/stat`) ?? '');
    this.key = `${outerPid}:${this.start}`;
  }

  /** Still the same process (same start time), and not a zombie. */
  get alive(): boolean {
    const stat = readOr(`/proc/${this.outerPid}/stat`);
    return stat !== undefined && !isZombieStat(stat) && startTime(stat) === this.start;
  }

  /** How it ended, if it did: a killed stranger is reaped by init at once, so only "gone" is known. */
  describe(): string {
    return this.alive ? `stranger ${this.nsPid} alive` : `stranger ${this.nsPid} (outer ${this.outerPid}) was killed`;
  }
}

/** A `tf` running inside a namespace (its parent is nsenter, outside). */
export class NsTf {
  stdout = '';
  stderr = '';
  finished = false;
  readonly exited: Promise<TfResult>;

  constructor(readonly nsenter: ChildProcess) {
    nsenter.stdout!.setEncoding('utf8').on('data', (text: string) => (this.stdout += text));
    nsenter.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    nsenter.stdin!.end();
    const closed = new Promise((resolve) => nsenter.once('close', resolve));
    this.exited = new Promise((resolve) => {
      // nsenter exits with tf's status, and re-raises the signal that killed tf. A process tf
      // failed to stop may hold the pipes open for ever: read what is left for a moment only.
      nsenter.once('exit', (code, sig) => {
        this.finished = true;
        const settle = () => resolve({ code, signal: sig, stdout: this.stdout, stderr: this.stderr });
        const timer = setTimeout(settle, 1000);
        void closed.then(() => {
          clearTimeout(timer);
          settle();
        });
      });
    });
  }

  /** tf's pid as seen from the test (outside the namespace). */
  async pid(): Promise<number> {
    return waitFor(() => childrenOf(this.nsenter.pid!)[0], 'tf to start inside the namespace', 10_000);
  }

  async signal(sig: NodeJS.Signals): Promise<void> {
    signal(await this.pid(), sig);
  }

  waitForLine(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const matches = (line: string): boolean => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
    return waitFor(() => this.stdout.split('\n').find(matches), () => `a line matching ${pattern} (${this.describe()}; stdout so far:\n${this.stdout.slice(-2000)}\nstderr:\n${this.stderr.slice(-2000)})`, timeoutMs);
  }

  /** Where tf is, for a failure message: a line that never came may be a tf that never started. */
  private describe(): string {
    const pid = childrenOf(this.nsenter.pid!)[0];
    if (pid === undefined) return `nsenter ${this.nsenter.pid} has no child (exit ${this.nsenter.exitCode ?? this.nsenter.signalCode})`;
    const stat = readOr(`/proc/${pid}/stat`) ?? '';
    return `tf ${pid}: state ${stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)}, wchan ${readOr(`/proc/${pid}/wchan`) ?? '?'}, ${(readOr(`/proc/${pid}/cmdline`) ?? '?').replaceAll('\0', ' ')}`;
  }

  async result(timeoutMs = 30_000): Promise<TfResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`tf did not exit within ${timeoutMs} ms; stdout:\n${this.stdout.slice(-3000)}\nstderr:\n${this.stderr.slice(-2000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A new namespace, ready to use. */
export function namespace(): Promise<Namespace> {
  return new Namespace().ready();
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function childrenOf(pid: number): number[] {
  const text = readOr(`/proc/${pid}/task/${pid}/children`) ?? '';
  return text.split(' ').filter(Boolean).map(Number);
}

function allPids(): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
}

function nsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

function nsPidOf(pid: number): number | undefined {
  const line = (readOr(`/proc/${pid}/status`) ?? '').split('\n').find((l) => l.startsWith('NSpid:'));
  const ids = line?.split(/\s+/).slice(1).filter(Boolean);
  return ids?.length ? Number(ids.at(-1)) : undefined;
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

function isZombieStat(stat: string): boolean {
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
function startTime(stat: string): string {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}
