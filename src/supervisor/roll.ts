import type { ProcessSpec, SpecFactory } from '../formation/formation.js';
import type { Slot } from './slot.js';

/**
 * How long a process of a type without a ready check must keep running on the new release before
 * the roll counts it as started: a release that crashes at start is rolled back, not kept.
 */
export const ROLL_SETTLE_MS = 2000;

/** The formation of the release to roll onto. */
export interface RollTarget {
  release: string;
  specs: ProcessSpec[];
  specFor: SpecFactory;
  types: string[];
}

/** Which types moved onto the release, and which went back to the one they ran. */
export interface RollResult {
  rolled: string[];
  rolledBack: string[];
}

/** What a roll may do to the supervisor. */
export interface RollDeps {
  slots(): Slot[];
  running(): boolean;
  formation(): { specFor: SpecFactory; types: string[] };
  setFormation(specFor: SpecFactory, types: string[]): void;
  restartSome(slots: Slot[], respec?: (slot: Slot) => ProcessSpec): Promise<void>;
  remove(slots: Slot[]): Promise<void>;
  add(specs: ProcessSpec[]): void;
  delay(ms: number): Promise<void>;
  say(text: string): void;
}

/**
 * Moves a running formation onto another release, type by type, as `tf restart` would: with a
 * ready check one instance at a time, each ready before the next goes. A type whose new run
 * crashes or never gets ready goes back to the release it ran, and tf says so. The instance
 * counts stay as they are (tf scale included); types the release drops stop, types it adds start.
 */
export async function rollOnto(target: RollTarget, deps: RollDeps): Promise<RollResult> {
  const before = deps.formation();
  const slots = deps.slots().filter((slot) => slot.intent !== 'remove');
  const present = [...new Set(slots.map((slot) => slot.spec.type))];
  const kept = present.filter((type) => target.types.includes(type));
  const dropped = present.filter((type) => !target.types.includes(type));
  const added = target.specs.filter((spec) => !present.includes(spec.type));
  deps.say(`${target.release} is current: ${plan(kept, dropped, added)}`);
  const result: RollResult = { rolled: [], rolledBack: [] };
  for (const type of kept) {
    if (!deps.running()) return result;
    const ok = await rollType(type, slots.filter((slot) => slot.spec.type === type), target, deps);
    (ok ? result.rolled : result.rolledBack).push(type);
  }
  if (!deps.running()) return result;
  if (dropped.length > 0) await deps.remove(slots.filter((slot) => dropped.includes(slot.spec.type)));
  const back = new Set(result.rolledBack);
  deps.setFormation((type, instance) => (back.has(type) ? before.specFor : target.specFor)(type, instance), target.types);
  if (added.length > 0) deps.add(added);
  deps.say(summary(target.release, result));
  return result;
}

function plan(kept: string[], dropped: string[], added: ProcessSpec[]): string {
  const parts = [kept.length > 0 ? `rolling ${kept.join(', ')} onto it` : 'no running type to roll'];
  if (dropped.length > 0) parts.push(`stopping ${dropped.join(', ')} (not in its Procfile)`);
  if (added.length > 0) parts.push(`starting ${[...new Set(added.map((s) => s.type))].join(', ')}`);
  return parts.join('; ');
}

function summary(release: string, result: RollResult): string {
  if (result.rolledBack.length === 0) return `now running ${release}`;
  const stayed = `${result.rolledBack.join(', ')} stay${result.rolledBack.length === 1 ? 's' : ''} on the release ${result.rolledBack.length === 1 ? 'it' : 'they'} ran`;
  return result.rolled.length > 0 ? `${result.rolled.join(', ')} now run ${release}; ${stayed}` : `${release} not rolled out: ${stayed}`;
}

/** Rolls one type; false when it went back to its release. */
async function rollType(type: string, slots: Slot[], target: RollTarget, deps: RollDeps): Promise<boolean> {
  const old = new Map(slots.map((slot) => [slot, slot.spec]));
  const fresh = (slot: Slot): ProcessSpec => target.specFor(type, slot.spec.instance);
  const oneByOne = target.specFor(type, 1).ready !== undefined;
  const tried: Slot[] = [];
  for (const batch of oneByOne ? slots.map((slot) => [slot]) : [slots]) {
    // Only what runs now is tried; a stopped or crashed instance starts on the new release when it starts.
    const running = batch.filter((slot) => slot.live && slot.state !== 'draining');
    for (const slot of batch) if (!running.includes(slot)) slot.spec = fresh(slot);
    if (running.length === 0) continue;
    tried.push(...running);
    for (const slot of running) slot.trial = true;
    await deps.restartSome(running, fresh);
    const why = await trialFailure(running, target.release, deps);
    for (const slot of running) slot.trial = false;
    if (why === undefined) continue;
    const from = old.get(slots[0]!)!.release ?? 'the working tree';
    deps.say(`${why}: rolling ${type} back to ${from}`);
    for (const slot of slots) if (!tried.includes(slot)) slot.spec = old.get(slot)!;
    await deps.restartSome(tried, (slot) => old.get(slot)!);
    return false;
  }
  return true;
}

/** Why the new runs of SLOTS did not start well, or undefined when they did (or tf is stopping). */
async function trialFailure(slots: Slot[], release: string, deps: RollDeps): Promise<string | undefined> {
  for (const slot of slots) {
    if (!slot.spec.ready && slot.state === 'running') await Promise.race([slot.whenExited(), deps.delay(ROLL_SETTLE_MS)]);
    if (!deps.running()) return undefined;
    const name = slot.spec.name;
    if (slot.state === 'crashed') return `${name} exited with status ${slot.lastExit} on ${release}`;
    if (slot.spec.ready && slot.state === 'running') return `${name} did not get ready on ${release}`;
  }
  return undefined;
}
