import type { App } from '../config/app.js';
import { layerEnvFiles } from '../config/env.js';
import { TfError } from '../util/errors.js';
import { sha256 } from './objects.js';

/** A release's environment: only what the env files and --env define, expanded. Sorted by key. */
export type EnvSnapshot = Record<string, string>;

const KEY = /^[A-Za-z_][\w.-]*$/;
/** What KEY accepts, in words, for the errors that reject a name. */
const NAME_RULE = 'a name starts with a letter or _, then letters, digits, _, . or -';

/** "KEY=VALUE" as typed after --env or tf config set. */
export function parseAssignment(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq) : '';
  // The name at most, never the value: an argument without "=" may be a value typed without its KEY=.
  if (!KEY.test(key)) {
    const what = eq > 0 ? `"${key}=..." is not KEY=VALUE ("${key}" is not a variable name)` : eq === 0 ? 'an argument starting with "=" is not KEY=VALUE' : 'an argument without "=" is not KEY=VALUE';
    throw new TfError(`${flag}: ${what}`, `e.g. DATABASE_URL=postgres://localhost/app; ${NAME_RULE}`);
  }
  return [key, text.slice(eq + 1)];
}

export function parseKey(text: string): string {
  if (!KEY.test(text)) throw new TfError(`"${text}" is not a variable name`, `${NAME_RULE}, e.g. DATABASE_URL`);
  return text;
}

/**
 * The snapshot of a new release: the variables the env files define (expanded against the shell
 * and earlier lines, as tf start would) plus `--env KEY=VAL` (expanded the same way, last wins).
 * Never the rest of the shell's environment: a release must not depend on who created it.
 */
export function snapshotEnv(app: App, assignments: string[]): EnvSnapshot {
  const extra = assignments.map((text, i) => {
    const [key, value] = parseAssignment(text, '--env');
    return { key, value, line: i + 1, literal: false };
  });
  const layered = layerEnvFiles(app.environment, [{ path: '--env', entries: extra }]);
  const keys = new Set([...app.envFiles.flatMap((f) => f.entries.map((e) => e.key)), ...extra.map((e) => e.key)]);
  return sortedEnv(Object.fromEntries([...keys].map((key) => [key, layered.get(key)?.value ?? ''])));
}

export function sortedEnv(env: EnvSnapshot): EnvSnapshot {
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** sha256 of the canonical JSON (sorted keys): equal environments have equal digests. */
export function envDigest(env: EnvSnapshot): string {
  return sha256(JSON.stringify(sortedEnv(env)));
}

export function serializeEnv(env: EnvSnapshot): string {
  return `${JSON.stringify(sortedEnv(env), null, 2)}\n`;
}

/** What listings print instead of a secret: whether it is empty, nothing more. */
export function mask(value: string): string {
  return value === '' ? '(empty)' : '*****';
}

export interface EnvChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export function compareEnv(before: EnvSnapshot, after: EnvSnapshot): EnvChanges {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return {
    added: keys.filter((k) => !Object.hasOwn(before, k)),
    removed: keys.filter((k) => !Object.hasOwn(after, k)),
    changed: keys.filter((k) => Object.hasOwn(before, k) && Object.hasOwn(after, k) && before[k] !== after[k]),
  };
}
