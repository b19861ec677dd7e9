import type { ProcessSpec } from '../formation/formation.js';
import type { CrashHistory } from './backoff.js';
import type { ProcessHandle } from './process-handle.js';
import type { Readiness } from './readiness.js';

/**
 * What `tf ps` shows. waiting: not started until its depends_on types are ready; starting: spawned,
 * its ready check pending; ready: the check passed; running: no check (or the check timed out);
 * draining: stop signal sent; backoff: waiting to be restarted after a crash; crashed: tf gave up
 * restarting it; exited: ended on its own (ignore policy); stopped: stopped with `tf stop`.
 */
export type ProcessState = 'waiting' | 'starting' | 'ready' | 'running' | 'draining' | 'backoff' | 'crashed' | 'exited' | 'stopped';

export interface ProcessInfo {
  name: string;
  type: string;
  pid: number | null;
  port: number;
  state: ProcessState;
  uptimeMs: number | null;
  restarts: number;
  /** Exit status of its last run (128+n for a signal), null if it has not exited yet. */
  lastExit: number | null;
  /** Why its last run ended: a 143 after `tf restart` is not a crash. Null if it has not exited yet. */
  lastExitReason: ExitReason | null;
  /** The signal that ended its last run, if one did. */
  lastExitSignal: NodeJS.Signals | null;
  /** It exited 0 leaving this program running outside its group (pid is then the daemon's). */
  daemon?: string;
  /** The release it runs (tf start --release), null for the working tree. */
  release: string | null;
}

/**
 * Why a run ended: tf restarted, stopped (tf stop, or tf itself stopping) or scaled it away, or
 * it ended on its own, with status 0 (exited) or not (crashed).
 */
export type ExitReason = 'restarted' | 'stopped' | 'removed' | 'exited' | 'crashed';

const REASON_OF_INTENT: Record<Intent, ExitReason> = { restart: 'restarted', stop: 'stopped', remove: 'removed' };

/** Why tf is draining a process on purpose: its exit then is not a crash and runs no crash policy. */
export type Intent = 'restart' | 'stop' | 'remove';

/** One entry of the formation across its restarts. */
export class Slot {
  handle: ProcessHandle | undefined;
  state: ProcessState = 'waiting';
  restarts = 0;
  lastExit: number | null = null;
  lastExitReason: ExitReason | null = null;
  lastExitSignal: NodeJS.Signals | null = null;
  crashes: CrashHistory | undefined;
  /** The backoff restart timer, or the drain deadline. */
  timer: unknown;
  readiness: Readiness | undefined;
  intent: Intent | undefined;
  /** tf has said that it waits for its dependencies. */
  noticed = false;
  /** When its current run came up (ready, or spawned without a ready check), for the dashboard's start timeline. */
  readyAt: number | null = null;
  /**
   * Its run is a trial on a new release (a follow roll): an exit is the roll's to judge (it rolls
   * the type back), not the crash policy's, so a bad release cannot stop the whole formation.
   */
  trial = false;
  private exitWaiters: Array<() => void> = [];
  private settleWaiters: Array<() => void> = [];

  /** Replaced when the slot moves onto another release. */
  constructor(public spec: ProcessSpec) {}

  /** Its run ended or is being stopped: a pending ready check can no longer pass. */
  cancelReadiness(): void {
    this.readiness?.cancel();
    this.readiness = undefined;
  }

  get live(): boolean {
    return this.handle !== undefined && !this.handle.exited;
  }

  /** It may still run again without anyone asking (or was stopped by hand): tf keeps going. */
  get keepsTfRunning(): boolean {
    return this.state !== 'crashed' && this.state !== 'exited';
  }

  /** Up enough for a type that depends on it: ready, running, or finished its job with status 0. */
  get satisfies(): boolean {
    return this.state === 'ready' || this.state === 'running' || (this.state === 'exited' && this.lastExit === 0);
  }

  info(now: number): ProcessInfo {
    const live = this.live && this.state !== 'backoff';
    return {
      name: this.spec.name,
      type: this.spec.type,
      pid: live ? (this.handle!.pid ?? null) : null,
      port: this.spec.port,
      state: this.state,
      uptimeMs: live ? Math.max(0, now - this.handle!.startedAt) : null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      lastExitReason: this.lastExitReason,
      lastExitSignal: this.lastExitSignal,
      release: this.spec.release ?? null,
      ...(live && this.handle!.daemons.length > 0 ? { daemon: this.handle!.daemonCommand } : {}),
    };
  }

  /** Records how its run ended; INTENT is why tf drained it, if tf did (tf stopping counts as stop). */
  recordExit(status: number, signal: NodeJS.Signals | null, intent: Intent | undefined): void {
    this.lastExit = status;
    this.lastExitSignal = signal;
    this.lastExitReason = intent ? REASON_OF_INTENT[intent] : status === 0 ? 'exited' : 'crashed';
  }

  /** Resolves when the current run exits (at once if nothing runs). */
  whenExited(): Promise<void> {
    if (!this.live) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** Resolves once the slot is no longer starting: ready, running, or gone. */
  whenSettled(): Promise<void> {
    if (this.state !== 'starting' && this.state !== 'waiting') return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  exited(): void {
    for (const resolve of this.exitWaiters.splice(0)) resolve();
    this.settled();
  }

  settled(): void {
    for (const resolve of this.settleWaiters.splice(0)) resolve();
  }
}
