/** Past this much waiting for the disk, tf asks its processes to slow down (as a slow terminal does). */
const HIGH_WATER = 4 * 1024 * 1024;
/** ... until the disk has brought it back under this. */
const LOW_WATER = 1024 * 1024;
/** A disk that takes nothing for this long is stuck (a hung mount): tf stops waiting for it. */
export const STALL_MS = 2000;

/**
 * What all of a log folder's files hold in memory waiting for the disk. A disk that is merely
 * slower than the processes paces them, so a burst loses nothing; a disk that stops taking lines
 * (a hung mount) holds them up for STALL_MS at most, after which lines past `limit` are dropped
 * (counted by the files) rather than ever stalling tf's terminal for good.
 */
export class QueueBudget {
  private queued = 0;
  private holding = false;
  /** The disk took nothing for STALL_MS while held: no more holding until it catches up. */
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly limit: number,
    private readonly hold: (held: boolean) => void = () => {},
  ) {}

  /** Whether `bytes` more fit; if so they are counted as waiting. */
  take(bytes: number): boolean {
    if (this.queued + bytes > this.limit) return false;
    this.queued += bytes;
    if (this.queued > HIGH_WATER && !this.holding && !this.stalled) this.setHolding(true);
    return true;
  }

  /** How many writes the disk has taken: a closing tf waits while this moves. */
  progress = 0;

  /** A write reached the disk (or failed at once): the disk is not stuck. */
  progressed(): void {
    this.progress++;
    if (this.holding) this.armStallTimer();
  }

  /** `bytes` are no longer waiting: written, or given up. */
  give(bytes: number): void {
    this.queued -= bytes;
    if (this.queued < LOW_WATER) {
      this.stalled = false;
      if (this.holding) this.setHolding(false);
    }
  }

  /** Stops holding anyone up, for good (tf is closing the files). */
  end(): void {
    this.stalled = true;
    if (this.holding) this.setHolding(false);
  }

  private setHolding(held: boolean): void {
    this.holding = held;
    if (held) this.armStallTimer();
    else clearTimeout(this.stallTimer);
    this.hold(held);
  }

  private armStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.stalled = true;
      this.setHolding(false);
    }, STALL_MS);
    this.stallTimer.unref();
  }
}
