import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { TfError } from '../util/errors.js';
import { listenForSignals } from '../supervisor/signal-source.js';

/** Ctrl-C, SIGTERM or SIGHUP during a create: the staged release is removed and nothing is listed. */
export class Interrupted extends TfError {
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}: no release was created`, undefined, signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  }
}

/**
 * Owns tf's stop signals while a release is made. Long loops call `checkpoint()` between files:
 * it yields to the event loop (where signals are delivered) every so often and throws once one came.
 */
export class Interruption {
  signal: NodeJS.Signals | undefined;
  private readonly listeners: Array<(signal: NodeJS.Signals) => void> = [];
  private readonly stop: () => void;
  private ticks = 0;

  constructor() {
    this.stop = listenForSignals((signal) => {
      if (this.signal) return;
      this.signal = signal;
      for (const listener of this.listeners) listener(signal);
    });
  }

  onSignal(listener: (signal: NodeJS.Signals) => void): void {
    this.listeners.push(listener);
  }

  throwIfInterrupted(): void {
    if (this.signal) throw new Interrupted(this.signal);
  }

  async checkpoint(force = false): Promise<void> {
    if (force || ++this.ticks % 128 === 0) await yieldToEvents();
    this.throwIfInterrupted();
  }

  dispose(): void {
    this.stop();
  }
}
