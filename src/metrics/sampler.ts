import { processTable, type ProcessTable } from '../platform/process-table.js';
import type { Timers } from '../supervisor/timers.js';
import { ringCapacity, SampleRing, type Sample } from './ring.js';
import { treeUsages, type TreeRoot, type TreeUsage } from './tree-usage.js';

/** The default of tf.yml's metrics_interval and tf start --metrics-interval. */
export const DEFAULT_METRICS_INTERVAL_MS = 2000;
/** How far back the `metrics` control command can look. */
export const METRICS_WINDOW_MS = 30 * 60_000;

/** A process of the formation; ROOT is absent while it does not run. */
export interface MetricsTarget {
  name: string;
  type: string;
  root: TreeRoot | undefined;
}

/** What tf ps shows of a process's last sample. */
export interface ProcessMetrics {
  cpuPercent: number | null;
  rssBytes: number | null;
  descendants: number;
}

/** The reply of the `metrics` control command. */
export interface MetricsHistory {
  intervalMs: number;
  processes: Array<{ name: string; type: string; samples: Sample[] }>;
}

export interface SamplerOptions {
  intervalMs: number;
  timers: Timers;
  targets: () => MetricsTarget[];
  /** Called after each sample of a running process (the memory limit watches it). */
  onSample?: (name: string, metrics: ProcessMetrics) => void;
  table?: ProcessTable;
}

interface Track {
  type: string;
  ring: SampleRing;
  last: (TreeUsage & { at: number }) | undefined;
  latest: ProcessMetrics | undefined;
}

const NOT_RUNNING: ProcessMetrics = { cpuPercent: null, rssBytes: null, descendants: 0 };

/**
 * Samples the CPU and memory of every running process, each with its descendants, every
 * intervalMs (0: never), and keeps the last 30 minutes of each in a ring. A process scaled away
 * loses its ring; a stopped one keeps it (with no new samples) until it runs again.
 */
export class Sampler {
  private readonly tracks = new Map<string, Track>();
  private timer: unknown;
  private stopped = false;
  private readonly capacity: number;

  constructor(private readonly options: SamplerOptions) {
    this.capacity = ringCapacity(METRICS_WINDOW_MS, options.intervalMs || DEFAULT_METRICS_INTERVAL_MS);
  }

  get intervalMs(): number {
    return this.options.intervalMs;
  }

  start(): void {
    if (this.options.intervalMs > 0 && !this.stopped) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The last sample of NAME, or nulls if it does not run or has not been sampled yet. */
  latest(name: string): ProcessMetrics {
    return this.tracks.get(name)?.latest ?? NOT_RUNNING;
  }

  /** NAME runs anew: until its next sample, tf ps must not show the old run's figures. Its history stays. */
  restarted(name: string): void {
    const track = this.tracks.get(name);
    if (track) track.latest = track.last = undefined;
  }

  history(since?: number): MetricsHistory {
    const processes = [...this.tracks].map(([name, track]) => ({ name, type: track.type, samples: track.ring.samples(since) }));
    return { intervalMs: this.options.intervalMs, processes };
  }

  /** One sample of every running process: one read of the process table for all of them. */
  sample(): void {
    const targets = this.options.targets();
    this.forgetAllBut(targets);
    const roots = new Map(targets.flatMap((t) => (t.root ? [[t.name, t.root] as const] : [])));
    const usages = roots.size > 0 ? treeUsages(this.options.table ?? processTable(), roots) : new Map<string, TreeUsage>();
    const at = this.options.timers.now();
    for (const target of targets) {
      const track = this.trackOf(target);
      const usage = usages.get(target.name);
      if (!usage) {
        track.last = undefined;
        track.latest = undefined;
        continue;
      }
      const metrics = { cpuPercent: cpuPercent(track.last, usage, at), rssBytes: usage.memoryBytes, descendants: usage.descendants };
      track.last = { ...usage, at };
      track.latest = metrics;
      track.ring.push([at, metrics.cpuPercent, metrics.rssBytes]);
      this.options.onSample?.(target.name, metrics);
    }
  }

  private schedule(): void {
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.sample();
      this.schedule();
    }, this.options.intervalMs);
    // tf's event loop must not be kept alive by sampling alone (a test's in-process supervisor).
    (this.timer as { unref?: () => void } | undefined)?.unref?.();
  }

  private trackOf(target: MetricsTarget): Track {
    let track = this.tracks.get(target.name);
    if (!track) this.tracks.set(target.name, (track = { type: target.type, ring: new SampleRing(this.capacity), last: undefined, latest: undefined }));
    return track;
  }

  /** Processes scaled away (or replaced by a reload) take their history with them. */
  private forgetAllBut(targets: MetricsTarget[]): void {
    if (this.tracks.size === 0) return;
    const names = new Set(targets.map((t) => t.name));
    for (const name of this.tracks.keys()) if (!names.has(name)) this.tracks.delete(name);
  }
}

/**
 * Percent of one core over the time since the last sample of the same run. The tree's CPU time can
 * fall (a member exits and whoever reaps it is outside the tree, or ps counts no reaped children):
 * that window reads 0, never negative.
 */
function cpuPercent(last: (TreeUsage & { at: number }) | undefined, now: TreeUsage, at: number): number | null {
  if (!last || last.rootPid !== now.rootPid || last.rootStart !== now.rootStart || at <= last.at) return null;
  return Math.max(0, ((now.cpuMs - last.cpuMs) / (at - last.at)) * 100);
}
