import type { ProcessSpec, SpecFactory } from '../formation/formation.js';
import { decideOnCrash } from './crash-policy.js';
import { rollOnto, type RollResult, type RollTarget } from './roll.js';
import { LiveControl, type RestartResult, type ScaleResult } from './live-control.js';
import { ProcessHandle, type HandleEvents } from './process-handle.js';
import { containmentMode, type TerminalSize } from '../platform/containment.js';
import { findTerminal, type Terminal } from './terminal.js';
import { MARKER_VARIABLE } from '../platform/proc.js';
import { daemonNotice } from './daemon-notice.js';
import { startReadiness } from './readiness.js';
import { Slot, type ProcessInfo, type ProcessState } from './slot.js';
import { dependencyGraph, deriveSpecFactory } from './slot-set.js';
import type { SupervisorOptions } from './options.js';
import { pipeBytesFor, spawnContained } from './spawner.js';
import { Stopper } from './stopper.js';
import { StopSequence } from './stop-sequence.js';
import type { TypeDeps } from './order.js';
import { describeExit, describeStop, exitStatus, exitStatusOf, isKill, type StopReason } from './stop-reason.js';
import { realTimers, type Timers } from './timers.js';
import { Watchdog } from './watchdog.js';

export type { ProcessInfo, ProcessState, RestartResult, RollResult, RollTarget, ScaleResult, SupervisorOptions };

type Phase = 'idle' | 'running' | 'draining' | 'stopped';

/**
 * Runs a formation: starts every process (each start, first or not, once its depends_on types are
 * ready), applies each type's crash policy, and owns shutdown, one small state machine: running ->
 * draining (stop signal to each group in reverse dependency order, a deadline each) -> SIGKILL for
 * whatever outlives its deadline -> stopped (final sweep, exit status). Live changes (scale,
 * restart, stop) are in live-control.ts; they drain processes on purpose, and such an exit never
 * runs a crash policy.
 */
export class Supervisor {
  private phase: Phase = 'idle';
  private slots: Slot[];
  /** Handles whose output is still open, or that exited during shutdown (swept at the end). */
  private readonly handles = new Set<ProcessHandle>();
  private readonly timers: Timers;
  private readonly marker: string;
  private readonly events: HandleEvents;
  private readonly childEnv: Record<string, string>;
  private readonly live: LiveControl;
  private readonly stopper: Stopper;
  private specFor: SpecFactory;
  private types: string[];
  private watchdog: Watchdog | undefined;
  private reason: StopReason | undefined;
  private firstExitStatus: number | undefined;
  private finished: ((status: number) => void) | undefined;
  private sequence: StopSequence | undefined;

  constructor(private readonly options: SupervisorOptions) {
    this.timers = options.timers ?? realTimers;
    this.marker = options.marker ?? uniqueMarker();
    this.stopper = new Stopper(this.timers, this.marker, (text) => this.say(text), options.killGraceMs);
    this.childEnv = { ...options.extraEnv, [MARKER_VARIABLE]: this.marker };
    this.slots = options.specs.map((spec) => new Slot(spec));
    this.specFor = options.specFor ?? deriveSpecFactory(options.specs);
    this.types = options.types ?? [...new Set(options.specs.map((spec) => spec.type))];
    this.events = {
      onSpawn: (handle) => this.onSpawn(handle),
      onDaemonized: (handle, daemons) => this.say(daemonNotice(handle.spec.name, daemons)),
      onProgramExit: (handle) => this.onProgramExit(handle),
      onExit: (handle, code, signal) => this.onExit(handle, code, signal),
      onDone: (handle) => this.onDone(handle),
    };
    options.output.reserve(options.specs.map((s) => s.name));
    options.output.onClosed(() => this.shutdown({ kind: 'output-closed' }));
    this.live = new LiveControl({
      slots: () => this.slots,
      running: () => this.phase === 'running',
      types: () => this.types,
      specFor: (type, instance) => this.specFor(type, instance),
      setFormation: (specFor, types) => ((this.specFor = specFor), (this.types = types)),
      setSlots: (slots) => (this.slots = slots),
      reserve: (name) => this.options.output.reserve([name]),
      launch: (slot) => this.launch(slot),
      drain: (slots, intent) => this.stopper.drain(slots, intent),
      graph: () => this.graph(),
      say: (text) => this.say(text),
    });
  }

  /** Starts the formation; resolves with tf's exit status once everything has stopped. */
  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finished = resolve));
    this.phase = 'running';
    // With the shim, a dead tf closes each shim's control channel and the shim kills its tree itself.
    if ((this.options.watchdog ?? process.platform !== 'win32') && containmentMode() === 'portable') this.watchdog = new Watchdog(this.marker);
    this.live.startWaiting();
    if (this.slots.length === 0) this.shutdown({ kind: 'all-exited', status: 0 });
    return done;
  }

  /** Every process of the formation, in Procfile order: what `tf ps` shows. */
  processes(): ProcessInfo[] {
    return this.slots.map((slot) => slot.info(this.timers.now()));
  }

  /** Each type: how many run, what it depends on, whether it is the web type (the dashboard links its ports). */
  formation(): Array<{ type: string; count: number; dependsOn: string[]; web: boolean }> {
    const graph = this.graph();
    return this.types.map((type) => ({
      type,
      count: this.slots.filter((slot) => slot.spec.type === type && slot.intent !== 'remove').length,
      dependsOn: [...(graph.find((t) => t.type === type)?.dependsOn ?? [])],
      web: type === 'web',
    }));
  }

  /** When each process's current run started and came up (null: not yet), for the dashboard's start timeline. */
  timeline(): Array<{ name: string; startedAt: number | null; readyAt: number | null }> {
    return this.slots.map((slot) => ({ name: slot.spec.name, startedAt: slot.handle ? slot.handle.startedAt : null, readyAt: slot.readyAt }));
  }

  /** The runs still going, for job control: signals reach them through their containment, never a bare PID. */
  running(): ProcessHandle[] {
    return this.slots.flatMap((slot) => (slot.live && slot.handle!.pid !== undefined ? [slot.handle!] : []));
  }

  /** tf's terminal changed size: so do the terminals of tty-mode processes nobody is attached to. */
  resizeTerminals(size: TerminalSize): void {
    for (const handle of this.running()) if (handle.terminal && !handle.terminal.attached) handle.terminal.resize(size);
  }

  /** tf start's keyboard (interactive: true): to the first running process of the interactive type. */
  keyboard(data: Buffer): void {
    this.slots.find((slot) => slot.spec.interactive && slot.live)?.handle?.terminal?.write(undefined, data);
  }

  /** The terminal of a running tty-mode process (`tf attach`): TARGET names it (web.1) or its type, if it runs one. */
  terminalOf(target: string): { name: string; terminal: Terminal } {
    return findTerminal(target, this.slots);
  }

  /** Sets a type's instance count: new instances start, the highest-numbered drain and go. */
  scale(type: string, count: number): ScaleResult {
    return this.live.scale(type, count);
  }

  /** Several at once (`tf scale web=3 worker=0`); if any item is bad, nothing changes. */
  scaleAll(items: Array<[string, number]>): ScaleResult[] {
    return this.live.scaleAll(items);
  }

  /**
   * Restarts processes (all, types, or names like web.2), each once its dependencies are up again;
   * with withDependents, also the types that depend on them. Resolves when each is up or failed.
   */
  restart(targets: string[] = [], withDependents = false): Promise<RestartResult> {
    return this.live.restart(targets, withDependents);
  }

  /** Drains processes and leaves them stopped (until restarted or scaled). */
  stop(targets: string[]): Promise<string[]> {
    return this.live.stop(targets);
  }

  /** Replaces the whole formation (a changed Procfile, .env or tf.yml): drains every process, starts the new ones. */
  reload(specs: ProcessSpec[], specFor?: SpecFactory, types?: string[]): Promise<void> {
    return this.live.reload(specs, specFor ?? deriveSpecFactory(specs), types ?? [...new Set(specs.map((s) => s.type))]);
  }

  /** Moves the formation onto another release (tf start --release following `current`). */
  roll(target: RollTarget): Promise<RollResult> {
    return rollOnto(target, {
      slots: () => this.slots,
      running: () => this.phase === 'running',
      formation: () => ({ specFor: this.specFor, types: this.types }),
      setFormation: (specFor, types) => ((this.specFor = specFor), (this.types = types)),
      restartSome: (slots, respec) => this.live.restartSome(slots, respec),
      remove: (slots) => this.live.remove(slots),
      add: (specs) => this.live.add(specs),
      delay: (ms) => new Promise((resolve) => this.timers.setTimeout(resolve, ms)),
      say: (text) => this.say(text),
    });
  }

  /**
   * Stops everything (idempotent). A second signal while draining, or `tf kill` at any time, kills
   * what is left at once.
   */
  shutdown(reason: StopReason): void {
    if (this.phase === 'draining' && (reason.kind === 'signal' || isKill(reason))) {
      this.say(reason.kind === 'signal' ? `received ${reason.signal} again, killing all processes now` : describeStop(reason, 0));
      this.sequence?.clear();
      for (const handle of this.handles) this.stopper.escalate(handle, undefined);
      return;
    }
    if (this.phase !== 'running') return;
    this.phase = 'draining';
    this.reason = reason;
    const live = this.slots.filter((slot) => slot.handle && !slot.handle.done);
    const longest = Math.max(0, ...live.map((slot) => slot.spec.drainMs));
    this.sequence = new StopSequence(live, this.graph(), (slots) => this.stopper.signal(slots));
    this.say(describeStop(reason, live.length > 0 ? longest : 0, this.sequence.describe()));
    for (const slot of this.slots) this.stopper.cancel(slot);
    if (isKill(reason)) {
      // Nothing waits its turn: every process gets SIGKILL now, none a stop signal later.
      this.sequence.clear();
      for (const slot of live) this.stopper.escalate(slot.handle!, undefined);
    } else this.sequence.advance(this.slots);
    // Earlier runs (restarted, removed), and runs that exited while something they left keeps their
    // output open: the stop order has nothing to signal there, so give them the same grace.
    for (const handle of this.handles) {
      if (!handle.done && (handle.exited || !live.some((slot) => slot.handle === handle))) this.stopper.abandonLater(handle);
    }
    this.finishIfAllDone();
  }

  private launch(slot: Slot): void {
    if (this.phase !== 'running') return;
    this.stopper.clear(slot);
    slot.intent = undefined;
    const handle = new ProcessHandle(slot.spec, {
      spawn: this.options.spawn ?? spawnContained,
      output: this.options.output,
      extraEnv: this.childEnv,
      maxLineBytes: this.options.maxLineBytes,
      events: this.events,
      keepDaemons: true,
      timers: this.timers,
      pipeBytes: pipeBytesFor(this.slots.length),
      terminalSize: this.options.terminalSize,
    });
    slot.handle = handle;
    slot.state = slot.spec.ready ? 'starting' : 'running';
    this.handles.add(handle);
    handle.start(this.timers.now());
    slot.readyAt = slot.spec.ready ? null : handle.startedAt;
    if (!handle.exited && !slot.spec.ready) {
      slot.settled();
      this.live.startWaiting();
    }
  }

  /** It runs (with the shim, a moment after launch): tf says so, then checks whether it is ready. */
  private onSpawn(handle: ProcessHandle): void {
    this.watchdog?.watch(handle.pid!);
    this.say(`${handle.spec.name} started (pid ${handle.pid}, port ${handle.spec.port})`);
    const slot = this.slots.find((s) => s.handle === handle);
    if (!slot || !slot.spec.ready || slot.state !== 'starting') return;
    slot.readiness = startReadiness(slot.spec, handle, {
      timers: this.timers,
      extraEnv: this.childEnv,
      onReady: (detail) => this.settle(slot, handle, 'ready', `${slot.spec.name} is ready (${detail})`),
      onTimeout: (text) => this.settle(slot, handle, 'running', text),
    });
  }

  /** The ready check of this run passed (ready) or timed out (running, and tf says so). */
  private settle(slot: Slot, handle: ProcessHandle, state: 'ready' | 'running', text: string): void {
    slot.readiness = undefined;
    if (slot.handle !== handle || slot.state !== 'starting') return;
    slot.state = state;
    slot.readyAt = this.timers.now();
    this.say(text);
    slot.settled();
    this.live.startWaiting();
  }

  /** Its program exited; tf reports it once the output before has been read. */
  private onProgramExit(handle: ProcessHandle): void {
    // Its group is tf's no longer: the watchdog must not kill that number once the kernel reuses it.
    if (handle.pid !== undefined) this.watchdog?.forget(handle.pid);
    // What the dead shell left running is orphaned and must not hold the port: killed now, so its
    // pipes end and the exit is reported at once.
    if (this.phase === 'running') handle.kill();
  }

  private onExit(handle: ProcessHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const slot = this.slots.find((s) => s.handle === handle);
    const status = exitStatus(code, signal);
    this.say(handle.spawnError ? `${handle.spec.name} failed to start: ${handle.spawnError.message}` : describeExit(handle.spec.name, code, signal));
    if (!slot) return;
    slot.cancelReadiness();
    slot.recordExit(status, signal, this.phase === 'running' ? slot.intent : 'stop');
    if (this.phase !== 'running') {
      this.firstExitStatus ??= status;
      slot.exited();
      return this.sequence?.advance(this.slots);
    }
    // Its tree was killed when its program exited (onProgramExit); no stop of it is pending any more.
    this.stopper.clear(slot);
    // An intent (restart, stop, remove) stays until the next launch: a restart checks it was not stopped meanwhile.
    if (slot.intent) slot.state = 'stopped';
    // A failed trial on a new release: the roll takes it back to the old one.
    else if (slot.trial && status !== 0) slot.state = 'crashed';
    else {
      this.firstExitStatus ??= status;
      this.applyPolicy(slot, handle, status);
    }
    slot.exited();
    this.live.startWaiting();
  }

  private applyPolicy(slot: Slot, handle: ProcessHandle, status: number): void {
    const decision = decideOnCrash(slot, this.timers.now(), this.timers.now() - handle.startedAt, () => handle.recent);
    if (decision.kind === 'stop-all') return this.shutdown({ kind: 'exit', name: handle.spec.name, status });
    if (decision.kind === 'restart') {
      slot.state = 'backoff';
      slot.restarts++;
      this.say(decision.message);
      slot.timer = this.timers.setTimeout(() => ((slot.timer = undefined), this.live.requeue(slot)), decision.delayMs);
      return;
    }
    if (decision.kind === 'give-up') {
      slot.state = 'crashed';
      for (const message of decision.messages) this.say(message);
    } else {
      slot.state = 'exited';
    }
    if (!this.slots.some((s) => s.keepsTfRunning)) this.shutdown({ kind: 'all-exited', status: this.firstExitStatus ?? 0 });
  }

  private onDone(handle: ProcessHandle): void {
    // While running, an exited process's group was SIGKILLed at once: nothing of it is left to sweep.
    if (this.phase === 'running') this.handles.delete(handle);
    this.finishIfAllDone();
  }

  private finishIfAllDone(): void {
    if (this.phase !== 'draining') return;
    for (const handle of this.handles) if (!handle.done) return;
    this.phase = 'stopped';
    for (const slot of this.slots) this.stopper.clear(slot);
    // Members that left the pipes (closed stdout) but not the tree, and (portable mode) daemons that left both.
    for (const handle of this.handles) handle.kill();
    if (containmentMode() === 'portable') this.stopper.killMarked();
    this.watchdog?.release();
    for (const slot of this.slots) slot.exited();
    // tf ends only once the kills have landed, so nothing it started is still running when it exits
    // (bounded: a process stuck in the kernel must not hold tf forever).
    const status = exitStatusOf(this.reason!);
    const gone = Promise.all([...this.handles].map((handle) => handle.whenGone()));
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => (timer = this.timers.setTimeout(resolve, this.options.killGraceMs ?? 1000)));
    void Promise.race([gone, timeout]).then(() => {
      this.timers.clearTimeout(timer);
      this.finished?.(status);
    });
  }

  private graph(): TypeDeps[] {
    return dependencyGraph(this.types, this.slots, this.specFor);
  }

  private say(text: string): void {
    this.options.output.system(text);
  }
}

/**
 * Unique among live tf instances (the pid) and over time (pid reuse after a crash: the clock and a
 * random part). It names processes for the final sweep; it guards nothing, so node:crypto (~4 ms
 * to load before the first process starts) is not needed.
 */
function uniqueMarker(): string {
  return `${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
