import { TfError, location } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { listItems } from '../util/list-items.js';
import { RELEASE_TYPE } from '../config/procfile.js';
import type { Settings } from '../config/settings.js';
import { PORT_BLOCK, PORT_BLOCK_HINT, unknownType } from './formation.js';

export type Scale = ReadonlyMap<string, number>;

const ALL = 'all';

/**
 * How many of each type to run. Command-line items (`web=2 worker`, foreman's `web=2,worker=3`,
 * `all=N`) name the types to run: a bare `web` means web=1, and types not named run at `all`
 * (default 0). Without command-line items, tf.yml's formation applies, where unnamed types run at
 * `all` (default 1). Unknown types and bad counts are errors that list the known types.
 */
export function resolveScale(items: string[], knownTypes: string[], settings: Settings): Scale {
  // tf.yml is checked even when the command line overrides its formation: a typo in it must not
  // hide until the day someone runs a bare `tf start`.
  checkSettingsTypes(settings, knownTypes);
  const cli = listItems(items);
  if (cli.length > 0) return scaleFrom(parseItems(cli, knownTypes), knownTypes, 0);
  return scaleFrom(settings.formation, knownTypes, 1);
}

function scaleFrom(named: ReadonlyMap<string, number>, knownTypes: string[], fallback: number): Scale {
  const rest = named.get(ALL) ?? fallback;
  return new Map(knownTypes.map((type) => [type, named.get(type) ?? rest]));
}

/** `web=2` -> web and "2"; a bare `web` has no count. Used by tf start and tf scale alike. */
export function splitItem(item: string): { type: string; countText: string | undefined } {
  // Not split('=', 2): that drops everything after a second "=", so "web=2=3" would read as web=2.
  // Trimmed on both sides, as foreman reads -m "alpha = 2".
  const eq = item.indexOf('=');
  return eq < 0 ? { type: item.trim(), countText: undefined } : { type: item.slice(0, eq).trim(), countText: item.slice(eq + 1).trim() };
}

function parseItems(items: string[], knownTypes: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    const { type, countText } = splitItem(item);
    checkType(type, knownTypes, `"${item}"`);
    if (countText === undefined) {
      out.set(type, 1);
      continue;
    }
    out.set(type, processCount(item, countText));
  }
  return out;
}

/**
 * The most processes of one type. Each type owns a block of PORT_BLOCK ports (base + 100 x its
 * place in the Procfile), so a 101st web would share worker.1's port; and Heroku, whose scheme
 * this is, also stops a type at 100 processes. Without a bound, web=1000000000 made the running
 * tf allocate an array that size and die.
 */
export const MAX_PROCESS_COUNT = PORT_BLOCK;

/** How many processes of a type may run: a whole number from 0 to MAX_PROCESS_COUNT. */
export function isProcessCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_PROCESS_COUNT;
}

export const PROCESS_COUNT_HINT = `use a whole number, 0 or more (at most ${MAX_PROCESS_COUNT}), e.g. web=2`;

/** The error for a whole number above MAX_PROCESS_COUNT; WHERE names the input. */
export function tooManyProcesses(where: string, count: number): TfError {
  return new TfError(`${where}: ${count} is more than the ${MAX_PROCESS_COUNT} processes a type may run`, PORT_BLOCK_HINT);
}

/** The count of a `type=count` item (`tf start`, `tf scale`). */
export function processCount(item: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new TfError(`"${item}": "${text}" is not a process count`, PROCESS_COUNT_HINT);
  const count = Number(text);
  if (count > MAX_PROCESS_COUNT) throw tooManyProcesses(`"${item}"`, count);
  return count;
}

function checkType(type: string, knownTypes: string[], where: string): void {
  if (type === ALL || knownTypes.includes(type)) return;
  if (type === RELEASE_TYPE) {
    throw new TfError(`${where}: "release" is the release phase, which tf start never runs`, 'run it with tf run release');
  }
  throw unknownType(type, knownTypes, where);
}

/** tf.yml may only name types the Procfile defines, at counts the formation can hold. */
export function checkSettingsTypes(settings: Settings, knownTypes: string[]): void {
  const file = settings.path ? displayPath(settings.path) : 'tf.yml';
  for (const [type, count] of settings.formation) {
    if (count > MAX_PROCESS_COUNT) throw tooManyProcesses(`${location(file, settings.lines.get(`formation.${type}`))}: formation.${type}`, count);
  }
  for (const [section, types] of [['formation', [...settings.formation.keys()]], ['processes', [...settings.types.keys()]]] as const) {
    for (const type of types) {
      if (section === 'processes' && type === RELEASE_TYPE) continue;
      checkType(type, knownTypes, location(file, settings.lines.get(`${section}.${type}`)) + `: ${section}.${type}`);
    }
  }
  for (const [type, typeSettings] of settings.types) {
    const at = `processes.${type}.depends_on`;
    const where = location(file, settings.lines.get(at)) + `: ${at}`;
    for (const dep of typeSettings.dependsOn ?? []) {
      // "all" is a formation word, not a type one could wait for.
      if (dep === ALL) throw unknownType(ALL, knownTypes, where);
      checkType(dep, knownTypes, where);
    }
  }
}
