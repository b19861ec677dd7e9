import { randomBytes } from 'node:crypto';
import { formatDuration } from '../config/duration.js';
import type { ProcessSpec } from '../formation/formation.js';
import type { Multiplexer } from '../output/multiplexer.js';
import { CrashHistory } from './backoff.js';
import { ProcessHandle, type HandleEvents } from './process-handle.js';
import { MARKER_VARIABLE, markedProcesses } from './process-table.js';
import { signalGroup, signalProcess, spawnInGroup, type Spawn } from './spawner.js';
import { describeExit, describeStop, exitStatus, exitStatusOf, type StopReason } from './stop-reason.js';
import { realTimers, type Timers } from './timers.js';
import { Watchdog } from './watchdog.js';

export interface SupervisorOptions {
  specs: ProcessSpec[];
  output: Multiplexer;
  spawn?: Spawn;
  timers?: Timers;
  /** Unique per supervisor; every child carries it in TF_SUPERVISOR_ID. */
  marker?: string;
  /** Start the watchdog that cleans up if tf itself is SIGKILLed (Linux; default on). */
  watchdog?: boolean;
  /** Extra variables for every child (FORCE_COLOR when tf colors). */
  extraEnv?: Record<string, string>;
  maxLineBytes?: number;
  /** How long to wait for the output of a SIGKILLed process before giving up on it. */
  killGraceMs?: number;
}

type SlotState = 'running' | 'backoff' | 'exited' | 'crashed' | 'stopped';

/** One entry of the formation across its restarts. */
interface Slot {
  spec: ProcessSpec;
  handle?: ProcessHandle;
  state: SlotState;
  restarts: number;
  crashes?: CrashHistory;
  timer?: unknown;
}

type Phase = 'idle' | 'running' | 'draining' | 'stopped';

/**
 * Runs a formation: starts every process, applies each type's crash policy, and owns shutdown,
 * one small state machine: running -> draining (stop signal to every group, a deadline each) ->
 * SIGKILL for whatever outlives its deadline -> stopped (final sweep, exit status).
 */
export class Supervisor {
  private phase: Phase = 'idle';
  private readonly slots: Slot[];
  private readonly handles: ProcessHandle[] = [];
  private readonly timers: Timers;
  private readonly marker: string;
  private readonly events: HandleEvents;
  private watchdog: Watchdog | undefined;
  private reason: StopReason | undefined;
  private firstExitStatus: number | undefined;
  private finished: ((status: number) => void) | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.timers = options.timers ?? realTimers;
    this.marker = options.marker ?? `${process.pid}-${randomBytes(6).toString('hex')}`;
    this.slots = options.specs.map((spec) => ({ spec, state: 'stopped', restarts: 0 }));
    this.events = {
      onExit: (handle, code, signal) => this.onExit(handle, code, signal),
      onDone: () => this.finishIfAllDone(),
    };
    options.output.reserve(options.specs.map((s) => s.name));
    options.output.onClosed(() => this.stop({ kind: 'output-closed' }));
  }

  /** Starts the formation; resolves with tf's exit status once everything has stopped. */
  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finished = resolve));
    this.phase = 'running';
    if (this.options.watchdog ?? process.platform === 'linux') this.watchdog = new Watchdog(this.marker);
    for (const slot of this.slots) this.start(slot);
    if (this.slots.length === 0) this.stop({ kind: 'all-exited', status: 0 });
    return done;
  }

  /** Stops everything (idempotent). A second signal while draining kills what is left at once. */
  stop(reason: StopReason): void {
    if (this.phase === 'draining' && reason.kind === 'signal') {
      this.say(`received ${reason.signal} again, killing all processes now`);
      for (const slot of this.slots) this.escalate(slot, false);
      return;
    }
    if (this.phase !== 'running') return;
    this.phase = 'draining';
    this.reason = reason;
    const live = this.slots.filter((slot) => slot.handle && !slot.handle.done);
    const longest = Math.max(0, ...live.map((slot) => slot.spec.drainMs));
    this.say(describeStop(reason, live.length > 0 ? longest : 0));
    for (const slot of this.slots) this.cancelRestart(slot);
    this.sendStopSignals(live);
    this.finishIfAllDone();
  }

  private start(slot: Slot): void {
    slot.timer = undefined;
    const handle = new ProcessHandle(slot.spec, {
      spawn: this.options.spawn ?? spawnInGroup,
      output: this.options.output,
      extraEnv: { ...this.options.extraEnv, [MARKER_VARIABLE]: this.marker },
      maxLineBytes: this.options.maxLineBytes,
      events: this.events,
    });
    slot.handle = handle;
    slot.state = 'running';
    this.handles.push(handle);
    handle.start(this.timers.now());
    if (handle.pid !== undefined) {
      this.watchdog?.watch(handle.pid);
      this.say(`${slot.spec.name} started (pid ${handle.pid}, port ${slot.spec.port})`);
    }
  }

  private sendStopSignals(slots: Slot[]): void {
    const bySignal = new Map<NodeJS.Signals, string[]>();
    for (const slot of slots) {
      slot.handle!.signal(slot.spec.stopSignal);
      bySignal.set(slot.spec.stopSignal, [...(bySignal.get(slot.spec.stopSignal) ?? []), slot.spec.name]);
      slot.timer = this.timers.setTimeout(() => this.escalate(slot, true), slot.spec.drainMs);
    }
    for (const [signal, names] of bySignal) this.say(`sending ${signal} to ${names.join(', ')}`);
  }

  /** SIGKILL for a process still alive after its drain (or at a second Ctrl-C). */
  private escalate(slot: Slot, afterDrain: boolean): void {
    const handle = slot.handle;
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    slot.timer = undefined;
    if (!handle || handle.done) return;
    if (afterDrain) this.say(`${slot.spec.name} still running after ${formatDuration(slot.spec.drainMs)}, sending SIGKILL`);
    void handle.kill().then(() => this.killMarked());
    // Output can only still be open if a writer escaped even the sweep; do not wait for it forever.
    this.timers.setTimeout(() => handle.abandon(), this.options.killGraceMs ?? 1000);
  }

  private onExit(handle: ProcessHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const slot = this.slots.find((s) => s.handle === handle)!;
    const status = exitStatus(code, signal);
    this.firstExitStatus ??= status;
    this.say(handle.spawnError ? `${handle.spec.name} failed to start: ${handle.spawnError.message}` : describeExit(handle.spec.name, code, signal));
    if (this.phase !== 'running') return;
    // Whatever the dead shell left in its group is orphaned now; it must not hold the port.
    if (handle.pid !== undefined) signalGroup(handle.pid, 'SIGKILL');
    const policy = slot.spec.restart;
    if (policy.kind === 'stop') {
      this.stop({ kind: 'exit', name: handle.spec.name, status });
      return;
    }
    if (policy.kind === 'restart') {
      slot.crashes ??= new CrashHistory(policy);
      const delay = slot.crashes.record(this.timers.now(), this.timers.now() - handle.startedAt);
      if (delay !== undefined) {
        this.scheduleRestart(slot, delay, policy);
        return;
      }
      this.giveUp(slot, policy);
    } else {
      slot.state = 'exited';
    }
    if (!this.slots.some((s) => s.state === 'running' || s.state === 'backoff')) {
      this.stop({ kind: 'all-exited', status: this.firstExitStatus });
    }
  }

  private scheduleRestart(slot: Slot, delay: number, policy: { limit: number; windowMs: number }): void {
    slot.state = 'backoff';
    slot.restarts++;
    this.say(`restarting ${slot.spec.name} in ${formatDuration(delay)} (crash ${slot.crashes!.crashesInWindow} of ${policy.limit} allowed in ${formatDuration(policy.windowMs)})`);
    slot.timer = this.timers.setTimeout(() => this.start(slot), delay);
  }

  private giveUp(slot: Slot, policy: { limit: number; windowMs: number }): void {
    slot.state = 'crashed';
    const recent = slot.handle?.recent ?? [];
    this.say(`${slot.spec.name} crashed ${policy.limit} times within ${formatDuration(policy.windowMs)}; not restarting it${recent.length ? '. Its last lines:' : ''}`);
    for (const line of recent) this.say(`  ${line}`);
  }

  private cancelRestart(slot: Slot): void {
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    slot.timer = undefined;
    if (slot.state === 'backoff') slot.state = 'stopped';
  }

  private finishIfAllDone(): void {
    if (this.phase !== 'draining') return;
    if (this.slots.some((slot) => slot.handle && !slot.handle.done)) return;
    this.phase = 'stopped';
    for (const slot of this.slots) {
      if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    }
    // Members that left the pipes (closed stdout) but not the group, and daemons that left both.
    for (const handle of this.handles) if (handle.pid !== undefined) signalGroup(handle.pid, 'SIGKILL');
    this.killMarked();
    this.watchdog?.release();
    this.finished?.(exitStatusOf(this.reason!));
  }

  private killMarked(): void {
    for (const pid of markedProcesses(this.marker)) signalProcess(pid, 'SIGKILL');
  }

  private say(text: string): void {
    this.options.output.system(text);
  }
}
