import { MemoryLimits, overLimitMessage } from '../metrics/memory-limit.js';
import { Sampler, type MetricsHistory, type ProcessMetrics } from '../metrics/sampler.js';
import type { Slot } from './slot.js';
import type { Timers } from './timers.js';

export interface FormationMetricsDeps {
  intervalMs: number;
  timers: Timers;
  slots: () => Slot[];
  /** Stops a run that went over its memory_limit; its exit then goes through its crash policy. */
  stopOverLimit: (slot: Slot) => void;
  say: (text: string) => void;
}

/** The formation's CPU and memory samples, and the memory_limit each sample is held to. */
export class FormationMetrics {
  private readonly sampler: Sampler;
  private readonly limits = new MemoryLimits();

  constructor(private readonly deps: FormationMetricsDeps) {
    this.sampler = new Sampler({
      intervalMs: deps.intervalMs,
      timers: deps.timers,
      targets: () => deps.slots().map((slot) => ({ name: slot.spec.name, type: slot.spec.type, root: slot.live ? slot.handle!.usageRoot : undefined })),
      onSample: (name, metrics) => this.check(name, metrics),
    });
  }

  start(): void {
    this.sampler.start();
  }

  stop(): void {
    this.sampler.stop();
  }

  of(slot: Slot): ProcessMetrics {
    return this.sampler.latest(slot.spec.name);
  }

  history(since?: number): MetricsHistory {
    return this.sampler.history(since);
  }

  /** A new run of SLOT: it has not been over its limit yet. */
  launched(slot: Slot): void {
    slot.overMemory = false;
    this.limits.forget(slot.spec.name);
    this.sampler.restarted(slot.spec.name);
  }

  private check(name: string, metrics: ProcessMetrics): void {
    const slot = this.deps.slots().find((s) => s.spec.name === name);
    const limit = slot?.spec.memoryLimit;
    if (!slot || limit === undefined || !this.limits.exceeded(name, metrics.rssBytes, limit)) return;
    // Already on its way out (tf restart, tf stop, a drain): that exit is not the limit's.
    if (!slot.live || slot.state === 'draining' || slot.intent) return;
    slot.overMemory = true;
    this.deps.say(overLimitMessage(name, metrics.rssBytes!, limit, slot.spec.restart));
    this.deps.stopOverLimit(slot);
  }
}
