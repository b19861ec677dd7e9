import { unknownType, type ProcessSpec, type SpecFactory } from '../formation/formation.js';
import { isProcessCount, PROCESS_COUNT_HINT } from '../formation/scale.js';
import { TfError } from '../util/errors.js';
import { Slot, type Intent } from './slot.js';
import { blockedBy, freeInstances, notUp, resolveTargets, sortSlots, startable, waitingNotice, withDependentSlots } from './slot-set.js';
import { stopWaves, type TypeDeps } from './order.js';

/** What `tf restart` did: the processes up again, and those that did not come back, with why. */
export interface RestartResult {
  restarted: string[];
  failed: Array<{ name: string; why: string }>;
}

export interface ScaleResult {
  type: string;
  from: number;
  to: number;
  started: string[];
  stopping: string[];
}

/** What live control may do to the supervisor: the supervisor hands these in, keeping the rest private. */
export interface LiveDeps {
  slots(): Slot[];
  running(): boolean;
  types(): string[];
  specFor: SpecFactory;
  setFormation(specFor: SpecFactory, types: string[]): void;
  setSlots(slots: Slot[]): void;
  /** Widens the output's name column for a new name. */
  reserve(name: string): void;
  launch(slot: Slot): void;
  drain(slots: Slot[], intent: Intent): Promise<void>;
  /** Each type and what it depends on, for --with-dependents. */
  graph(): TypeDeps[];
  say(text: string): void;
}

/** `tf scale`, `tf restart`, `tf stop` and a config reload, on a running supervisor. */
export class LiveControl {
  private launching = false;

  constructor(private readonly deps: LiveDeps) {}

  /**
   * Starts every waiting process whose dependencies are up; says once which still wait. Called
   * whenever a process changes state, so it also wakes whoever waits on a process that now
   * cannot start (its dependency crashed or was stopped).
   */
  startWaiting(): void {
    if (!this.deps.running() || this.launching) return;
    this.launching = true;
    try {
      for (let next = startable(this.deps.slots()); next; next = startable(this.deps.slots())) this.deps.launch(next);
    } finally {
      this.launching = false;
    }
    const notice = waitingNotice(this.deps.slots());
    if (notice) this.deps.say(notice);
    for (const slot of this.deps.slots()) if (slot.state === 'waiting' && blockedBy(slot, this.deps.slots())) slot.settled();
  }

  /**
   * Every start after the first goes through here (a restart, a crash restart): the process waits
   * until each instance of its depends_on types is up again, as at the first start.
   */
  requeue(slot: Slot): void {
    slot.state = 'waiting';
    slot.noticed = false;
    this.startWaiting();
  }

  /** Checks every item before changing anything: one bad item changes nothing. */
  scaleAll(items: Array<[string, number]>): ScaleResult[] {
    this.ensureRunning();
    for (const [type, count] of items) this.checkScale(type, count);
    return items.map(([type, count]) => this.scale(type, count));
  }

  scale(type: string, count: number): ScaleResult {
    this.ensureRunning();
    this.checkScale(type, count);
    const current = this.deps.slots().filter((s) => s.spec.type === type && s.intent !== 'remove');
    const result: ScaleResult = { type, from: current.length, to: count, started: [], stopping: [] };
    if (count > current.length) {
      // Every spec first: a port past 65535 must fail the whole request, not half of it.
      const specs = freeInstances(this.deps.slots(), type, count - current.length).map((i) => this.deps.specFor(type, i));
      for (const spec of specs) this.addSlot(spec);
      result.started = specs.map((s) => s.name);
      this.deps.say(`scaling ${type} from ${current.length} to ${count}: adding ${result.started.join(', ')}`);
      this.startWaiting();
    } else if (count < current.length) {
      // The highest instance numbers go first, so the survivors keep the low names and ports.
      const removed = current.sort((a, b) => b.spec.instance - a.spec.instance).slice(0, current.length - count);
      result.stopping = removed.map((s) => s.spec.name);
      this.deps.say(`scaling ${type} from ${current.length} to ${count}: removing ${result.stopping.join(', ')}`);
      void this.remove(removed);
    }
    return result;
  }

  /** Restarts TARGETS (and with withDependents, every process of the types depending on them). */
  async restart(targets: string[], withDependents = false): Promise<RestartResult> {
    this.ensureRunning();
    let slots = resolveTargets(targets, this.deps.slots(), this.deps.types());
    if (withDependents) slots = withDependentSlots(slots, this.deps.slots(), this.deps.graph());
    if (this.stopOrder(slots).length > 1) {
      // Types that depend on each other: dependents drain first, then all start in dependency order.
      await this.drainInOrder(slots.filter((slot) => slot.state !== 'waiting'), 'restart');
      await this.restartSome(slots);
    } else {
      const byType = new Map<string, Slot[]>();
      for (const slot of slots) byType.set(slot.spec.type, [...(byType.get(slot.spec.type) ?? []), slot]);
      await Promise.all([...byType.values()].map((group) => this.restartGroup(group)));
    }
    return this.outcome(slots);
  }

  /** The stop waves of the types SLOTS belong to. */
  private stopOrder(slots: Slot[]): string[][] {
    return stopWaves(this.deps.graph().filter((t) => slots.some((s) => s.spec.type === t.type)));
  }

  /**
   * Drains in reverse dependency order: dependents first, each dependency once they have exited.
   * Once tf is shutting down, its own stop sequence signals what is left, in the same order.
   */
  private async drainInOrder(slots: Slot[], intent: Intent): Promise<void> {
    for (const wave of this.stopOrder(slots)) {
      const chosen = slots.filter((slot) => wave.includes(slot.spec.type));
      if (!this.deps.running()) return;
      if (chosen.length > 0) await this.deps.drain(chosen, intent);
    }
  }

  async stop(targets: string[]): Promise<string[]> {
    this.ensureRunning();
    const slots = resolveTargets(targets, this.deps.slots(), this.deps.types());
    await this.deps.drain(slots, 'stop');
    return slots.map((s) => s.spec.name);
  }

  async reload(specs: ProcessSpec[], specFor: SpecFactory, types: string[]): Promise<void> {
    this.ensureRunning();
    await this.remove(this.deps.slots().slice());
    if (!this.deps.running()) return;
    this.deps.setFormation(specFor, types);
    for (const spec of specs) this.addSlot(spec);
    this.startWaiting();
  }

  /**
   * With a ready check, instances restart one at a time, each waiting for the previous one to be
   * ready, so the type never has none up (a rolling restart); without one, all at once.
   */
  private async restartGroup(group: Slot[]): Promise<void> {
    if (group[0]!.spec.ready && group.length > 1) {
      for (const slot of group) await this.restartSome([slot]);
    } else {
      await this.restartSome(group);
    }
  }

  /**
   * Drains SLOTS and starts them again (each once its dependencies are up); resolves when each is
   * up or failed. RESPEC gives a slot the spec of its next run (a follow roll onto another
   * release): swapped after the drain, so the old run stops with its own stop signal and timeout.
   */
  async restartSome(slots: Slot[], respec?: (slot: Slot) => ProcessSpec): Promise<void> {
    // A waiting process starts when its dependencies are ready; restarting it means nothing yet.
    const chosen = slots.filter((slot) => slot.state !== 'waiting');
    if (!this.deps.running()) return;
    // Drained already (drainInOrder): draining again only waits for their exit.
    if (chosen.length > 0) await this.deps.drain(chosen, 'restart');
    // Stopped, removed or shut down meanwhile: the later wish wins.
    const again = chosen.filter((slot) => this.deps.running() && slot.intent === 'restart');
    for (const slot of again) {
      slot.crashes = undefined;
      slot.restarts++;
      slot.intent = undefined;
      if (respec) slot.spec = respec(slot);
      this.requeue(slot);
    }
    await Promise.all(slots.map((slot) => this.upOrStuck(slot)));
  }

  /** Resolves once the process is up, has failed, or waits for a dependency that cannot come up. */
  private async upOrStuck(slot: Slot): Promise<void> {
    while ((slot.state === 'waiting' || slot.state === 'starting') && this.deps.running()) {
      if (slot.state === 'waiting' && blockedBy(slot, this.deps.slots())) return;
      await slot.whenSettled();
    }
  }

  private outcome(slots: Slot[]): RestartResult {
    const result: RestartResult = { restarted: [], failed: [] };
    for (const slot of slots) {
      if (slot.intent === 'stop' || slot.intent === 'remove') continue;
      const why = !this.deps.running() ? 'tf is stopping' : notUp(slot, this.deps.slots());
      if (why) result.failed.push({ name: slot.spec.name, why });
      else result.restarted.push(slot.spec.name);
    }
    return result;
  }

  /** Drains SLOTS and drops them from the formation (a type the new release no longer has). */
  async remove(slots: Slot[]): Promise<void> {
    await this.drainInOrder(slots, 'remove');
    // Shutting down meanwhile: the slots stay, for the shutdown to stop and sweep.
    if (!this.deps.running()) return;
    const gone = new Set(slots);
    this.deps.setSlots(this.deps.slots().filter((s) => !gone.has(s)));
  }

  /** Adds processes and starts them (a type a new release brings). */
  add(specs: ProcessSpec[]): void {
    for (const spec of specs) this.addSlot(spec);
    this.startWaiting();
  }

  private addSlot(spec: ProcessSpec): Slot {
    const slot = new Slot(spec);
    this.deps.reserve(spec.name);
    this.deps.setSlots(sortSlots([...this.deps.slots(), slot]));
    return slot;
  }

  private checkScale(type: string, count: number): void {
    const types = this.deps.types();
    if (!types.includes(type)) throw unknownType(type, types);
    if (!isProcessCount(count)) throw new TfError(`${type}=${count}: not a process count`, PROCESS_COUNT_HINT);
  }

  private ensureRunning(): void {
    if (!this.deps.running()) throw new TfError('tf is stopping', 'wait for it to exit, then start it again');
  }
}
