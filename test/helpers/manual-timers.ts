import type { Timers } from '../../src/supervisor/timers.js';

/** Timers that move only when the test says so; for deadlines too long to wait for. */
export class ManualTimers implements Timers {
  private time = 1_000_000;
  private pending: Array<{ at: number; callback: () => void }> = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const entry = { at: this.time + ms, callback };
    this.pending.push(entry);
    return entry;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((entry) => entry !== handle);
  }

  /** Moves the clock forward, running each timer that comes due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.pending.filter((e) => e.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.pending = this.pending.filter((e) => e !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }
}
