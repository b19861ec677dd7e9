/** One sample: when (epoch ms), CPU percent of one core (null: not known yet), memory in bytes. */
export type Sample = [time: number, cpuPercent: number | null, rssBytes: number];

/**
 * The last CAPACITY samples of one process, oldest overwritten first. Three typed arrays, not an
 * array of tuples: 64 processes x 900 samples stay ~1.4 MB and make no garbage per sample.
 */
export class SampleRing {
  private readonly times: Float64Array;
  private readonly cpu: Float64Array;
  private readonly rss: Float64Array;
  /** Where the next sample goes. */
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity} is not a positive whole number`);
    this.times = new Float64Array(capacity);
    this.cpu = new Float64Array(capacity);
    this.rss = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push([time, cpuPercent, rssBytes]: Sample): void {
    this.times[this.next] = time;
    this.cpu[this.next] = cpuPercent ?? Number.NaN;
    this.rss[this.next] = rssBytes;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The samples oldest first; with SINCE, only those taken after it. */
  samples(since = Number.NEGATIVE_INFINITY): Sample[] {
    const out: Sample[] = [];
    const first = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const at = (first + i) % this.capacity;
      const time = this.times[at]!;
      if (time <= since) continue;
      const cpu = this.cpu[at]!;
      out.push([time, Number.isNaN(cpu) ? null : cpu, this.rss[at]!]);
    }
    return out;
  }
}

/** How many samples hold WINDOW_MS at one every INTERVAL_MS (30 minutes at 2 s: 900). */
export function ringCapacity(windowMs: number, intervalMs: number): number {
  return Math.max(1, Math.ceil(windowMs / intervalMs));
}
