import { instanceParts, unknownType, type ProcessSpec, type SpecFactory } from '../formation/formation.js';
import { TfError } from '../util/errors.js';
import { dependentsOf, type TypeDeps } from './order.js';
import type { Slot } from './slot.js';

/** Procfile order, then instance number: the order `tf ps` lists and tf starts them in. */
export function sortSlots(slots: Slot[]): Slot[] {
  return slots.sort((a, b) => a.spec.typeIndex - b.spec.typeIndex || a.spec.instance - b.spec.instance);
}

/**
 * A factory for callers that only have specs (library users, tests): a new instance is a copy of
 * the type's first one with its own name, PORT, PS and DYNO. Types not in `specs` are unknown.
 */
export function deriveSpecFactory(specs: ProcessSpec[]): SpecFactory {
  return (type, instance) => {
    const template = specs.find((spec) => spec.type === type);
    if (!template) throw unknownType(type, specs.map((s) => s.type));
    return { ...template, ...instanceParts(type, instance, template.port - template.instance + instance, template.env, template.tty) };
  };
}

/** Each type and what it depends on; a type without processes (scaled to 0) still orders the others. */
export function dependencyGraph(types: string[], slots: Slot[], specFor: SpecFactory): TypeDeps[] {
  const declared = (type: string): readonly string[] => {
    try {
      return specFor(type, 1).dependsOn ?? [];
    } catch {
      // Only a type whose first port is out of range fails here, and such a type never runs.
      return [];
    }
  };
  return types.map((type) => ({ type, dependsOn: slots.find((s) => s.spec.type === type)?.spec.dependsOn ?? declared(type) }));
}

/** A waiting process whose depends_on types are all up (every instance not being removed). */
export function startable(slots: Slot[]): Slot | undefined {
  const up = (type: string): boolean => slots.every((s) => s.spec.type !== type || s.intent === 'remove' || s.satisfies);
  return slots.find((slot) => slot.state === 'waiting' && (slot.spec.dependsOn ?? []).every(up));
}

/** The dependency that keeps a waiting process from ever starting: one crashed, stopped or failed. */
export function blockedBy(slot: Slot, slots: Slot[]): Slot | undefined {
  const deps = slot.spec.dependsOn ?? [];
  return slots.find((s) => deps.includes(s.spec.type) && s.intent !== 'remove' && (s.state === 'crashed' || s.state === 'stopped' || (s.state === 'exited' && s.lastExit !== 0)));
}

/** Why a process is not up after a restart ("exited with code 1"), or undefined when it is. */
export function notUp(slot: Slot, slots: Slot[]): string | undefined {
  if (slot.satisfies) return undefined;
  if (slot.state === 'waiting') {
    const blocker = blockedBy(slot, slots);
    return blocker ? `waits for ${blocker.spec.name}, which is ${blocker.state}` : `still waits for ${(slot.spec.dependsOn ?? []).join(' and ')}`;
  }
  const exit = slot.lastExit === null ? '' : `, last exit status ${slot.lastExit}`;
  return `${slot.state}${exit}`;
}

/** SLOTS and every process of the types that depend on theirs, directly or through others. */
export function withDependentSlots(chosen: Slot[], slots: Slot[], graph: TypeDeps[]): Slot[] {
  const types = new Set(chosen.flatMap((slot) => [...dependentsOf(graph, slot.spec.type)]));
  return [...new Set([...chosen, ...slots.filter((s) => s.intent !== 'remove' && types.has(s.spec.type))])];
}

/** "worker.1, worker.2 wait for web to be ready", once per process, grouped by what they wait for. */
export function waitingNotice(slots: Slot[]): string | undefined {
  const groups = new Map<string, string[]>();
  for (const slot of slots) {
    if (slot.state !== 'waiting' || slot.noticed) continue;
    slot.noticed = true;
    const deps = (slot.spec.dependsOn ?? []).join(' and ');
    groups.set(deps, [...(groups.get(deps) ?? []), slot.spec.name]);
  }
  if (groups.size === 0) return undefined;
  return [...groups].map(([deps, names]) => `${names.join(', ')} ${names.length === 1 ? 'waits' : 'wait'} for ${deps} to be ready`).join('; ');
}

/** Lowest instance numbers not taken by any slot of the type (one still draining away included). */
export function freeInstances(slots: Slot[], type: string, count: number): number[] {
  const taken = new Set(slots.filter((s) => s.spec.type === type).map((s) => s.spec.instance));
  const out: number[] = [];
  for (let i = 1; out.length < count; i++) if (!taken.has(i)) out.push(i);
  return out;
}

/**
 * The processes named by `targets`: names (web.2), types (web), or everything when empty.
 * Unknown names are one error naming what exists.
 */
export function resolveTargets(targets: string[], slots: Slot[], types: string[]): Slot[] {
  if (targets.length === 0) return slots.filter((s) => s.intent !== 'remove');
  const chosen = new Set<Slot>();
  for (const target of targets) {
    const matches = slots.filter((s) => s.intent !== 'remove' && (s.spec.name === target || s.spec.type === target));
    if (matches.length === 0 && !types.includes(target)) {
      const names = slots.filter((s) => s.intent !== 'remove').map((s) => s.spec.name);
      throw new TfError(`unknown process "${target}"`, `running: ${names.join(', ') || 'none'}; types: ${types.join(', ')}`);
    }
    for (const slot of matches) chosen.add(slot);
  }
  return [...chosen];
}
