import { dependentsOf, describeWaves, stopWaves, type TypeDeps } from './order.js';
import type { Slot } from './slot.js';

/**
 * Shutdown in reverse dependency order: a process gets its stop signal once every process of the
 * types that depend on it (directly or through others) has exited. Each keeps its own drain
 * deadline, armed when it is signalled. Without depends_on everything is signalled at once.
 */
export class StopSequence {
  private pending: Slot[];
  private readonly dependents = new Map<string, Set<string>>();

  constructor(
    slots: Slot[],
    private readonly graph: readonly TypeDeps[],
    private readonly signal: (slots: Slot[]) => void,
  ) {
    this.pending = slots.slice();
  }

  /** "web, worker; then postgres, redis" for the types still running; undefined when it is one wave. */
  describe(): string | undefined {
    const live = new Set(this.pending.map((slot) => slot.spec.type));
    const waves = stopWaves(this.graph)
      .map((wave) => wave.filter((type) => live.has(type)))
      .filter((wave) => wave.length > 0);
    return waves.length > 1 ? describeWaves(waves) : undefined;
  }

  /** Signals every waiting process whose dependents have all exited; call again after each exit. */
  advance(all: readonly Slot[]): void {
    this.pending = this.pending.filter((slot) => slot.live);
    const turn = this.pending.filter((slot) => {
      const after = this.dependentsOf(slot.spec.type);
      return !all.some((other) => other.live && after.has(other.spec.type));
    });
    if (turn.length === 0) return;
    this.pending = this.pending.filter((slot) => !turn.includes(slot));
    this.signal(turn);
  }

  /** A second Ctrl-C kills everything at once: nothing waits for its turn any more. */
  clear(): void {
    this.pending = [];
  }

  private dependentsOf(type: string): Set<string> {
    let found = this.dependents.get(type);
    if (!found) this.dependents.set(type, (found = dependentsOf(this.graph, type)));
    return found;
  }
}
