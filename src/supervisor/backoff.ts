import type { RestartPolicy } from '../config/settings.js';

export const FIRST_DELAY_MS = 100;
export const MAX_DELAY_MS = 30_000;
/** A process that stayed up this long is healthy again: its next crash starts the backoff over. */
export const HEALTHY_UPTIME_MS = 60_000;

/** Crash bookkeeping for one process slot under the `restart` policy. Pure; the clock is passed in. */
export class CrashHistory {
  private consecutive = 0;
  private times: number[] = [];

  constructor(private readonly policy: Extract<RestartPolicy, { kind: 'restart' }>) {}

  /** Records a crash; returns the delay before the next start, or undefined to give up. */
  record(now: number, uptimeMs: number): number | undefined {
    if (uptimeMs >= HEALTHY_UPTIME_MS) this.consecutive = 0;
    this.consecutive++;
    this.times = this.times.filter((t) => now - t < this.policy.windowMs);
    this.times.push(now);
    if (this.times.length >= this.policy.limit) return undefined;
    return Math.min(FIRST_DELAY_MS * 2 ** (this.consecutive - 1), MAX_DELAY_MS);
  }

  get crashesInWindow(): number {
    return this.times.length;
  }
}
