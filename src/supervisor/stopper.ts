import { formatDuration } from '../config/duration.js';
import type { ProcessHandle } from './process-handle.js';
import { markedProcesses, ownStart, signalIdentities } from '../platform/proc.js';
import type { Intent, Slot } from './slot.js';
import type { Timers } from './timers.js';

/**
 * The polite-then-forceful half of stopping: each process group gets its type's stop signal and a
 * deadline; whatever outlives it is SIGKILLed with its whole tree. At shutdown, every marked process.
 */
export class Stopper {
  constructor(
    private readonly timers: Timers,
    private readonly marker: string,
    private readonly say: (text: string) => void,
    private readonly killGraceMs = 1000,
  ) {}

  /** Drains processes on purpose (restart, stop, removal); resolves when each has exited. */
  drain(slots: Slot[], intent: Intent): Promise<void> {
    const signalled: Slot[] = [];
    for (const slot of slots) {
      // A removal is final; otherwise the latest wish wins (tf stop during a restart stops it).
      if (slot.intent !== 'remove') slot.intent = intent;
      if (!slot.live) {
        this.cancel(slot);
      } else if (slot.state !== 'draining') {
        slot.cancelReadiness();
        signalled.push(slot);
      }
    }
    this.signal(signalled);
    return Promise.all(slots.map((slot) => slot.whenExited())).then(() => undefined);
  }

  /** No more restarts, ready checks or waiting for dependencies (at shutdown, or a slot not running). */
  cancel(slot: Slot): void {
    this.clear(slot);
    slot.cancelReadiness();
    if (slot.state === 'backoff' || slot.state === 'waiting') slot.state = 'stopped';
    slot.settled();
  }

  /** Cancels the slot's backoff restart or drain deadline. */
  clear(slot: Slot): void {
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    slot.timer = undefined;
  }

  /** Sends each slot's stop signal (one line per signal) and arms its deadline. */
  signal(slots: Slot[]): void {
    const bySignal = new Map<NodeJS.Signals, string[]>();
    for (const slot of slots) {
      if (slot.live) slot.state = 'draining';
      slot.settled();
      const handle = slot.handle!;
      handle.signal(slot.spec.stopSignal);
      bySignal.set(slot.spec.stopSignal, [...(bySignal.get(slot.spec.stopSignal) ?? []), slot.spec.name]);
      this.clear(slot);
      slot.timer = this.timers.setTimeout(() => this.escalate(handle, slot), slot.spec.drainMs);
    }
    for (const [signal, names] of bySignal) this.say(`sending ${signal} to ${names.join(', ')}`);
  }

  /**
   * SIGKILL for a process still alive after its drain (slot given), or at a second Ctrl-C: its
   * group and tree only. Every process of the formation carries the same marker, so the marked
   * sweep waits for shutdown; a restart or a scale-down must not take the others with it.
   */
  escalate(handle: ProcessHandle, slot: Slot | undefined): void {
    if (slot) slot.timer = undefined;
    if (handle.done) return;
    if (slot) this.say(`${slot.spec.name} still running after ${formatDuration(slot.spec.drainMs)}, sending SIGKILL`);
    handle.kill();
    this.abandonLater(handle);
  }

  /** Output can only still be open if a writer escaped even the sweep; do not wait for it forever. */
  abandonLater(handle: ProcessHandle): void {
    this.timers.setTimeout(() => handle.abandon(), this.killGraceMs);
  }

  /**
   * Portable mode, at shutdown only: every process that carries this tf's marker and is younger
   * than tf (daemons that left their group and tree; nothing older than tf can be one of them).
   */
  killMarked(): void {
    // Without tf's own start, no age can be trusted: nothing is swept.
    const since = ownStart() || Number.MAX_SAFE_INTEGER;
    signalIdentities(markedProcesses(this.marker, since), 'SIGKILL');
  }
}
