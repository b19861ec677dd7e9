import { deriveRelease } from '../release/derive.js';
import { withChangeLock } from '../release/lock.js';
import { mask, parseAssignment, parseKey, sortedEnv, type EnvSnapshot } from '../release/env-snapshot.js';
import { readEnvSnapshot, readManifest, resolveRelease } from '../release/releases.js';
import type { Store } from '../release/store.js';
import { TfError } from '../util/errors.js';
import type { StoreFlags } from './options.js';
import { announce, envLines, openFor } from './release-common.js';
import { counted } from '../util/plural.js';

export interface ConfigFlags extends StoreFlags {
  reveal?: boolean;
  json?: boolean;
}

/** `tf config`: the current release's env snapshot, masked unless --reveal. */
export async function show(flags: ConfigFlags): Promise<number> {
  const store = openFor(flags);
  const env = readEnvSnapshot(store, resolveRelease(store, undefined));
  const shown = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, flags.reveal ? v : mask(v)]));
  process.stdout.write(flags.json ? `${JSON.stringify(shown, null, 2)}\n` : envLines(shown).replace(/^ {2}/gm, ''));
  return 0;
}

/** `tf config set KEY=VAL...`: a new release with the current build and the changed env. */
export async function set(assignments: string[], flags: StoreFlags): Promise<number> {
  const changes = assignments.map((text) => parseAssignment(text, 'tf config set'));
  return change(openFor(flags), `Set ${changes.map(([k]) => k).join(', ')}`, (env) => {
    for (const [key, value] of changes) env[key] = value;
  });
}

/** `tf config unset KEY...`. */
export async function unset(keys: string[], flags: StoreFlags): Promise<number> {
  const names = keys.map(parseKey);
  return change(openFor(flags), `Unset ${names.join(', ')}`, (env) => {
    const missing = names.filter((k) => !Object.hasOwn(env, k));
    if (missing.length) throw new TfError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set in the current release`, 'see tf config');
    for (const key of names) delete env[key];
  });
}

/** Reads the current env, edits it and makes the new release, with no other change in between. */
async function change(store: Store, description: string, edit: (env: EnvSnapshot) => void): Promise<number> {
  return withChangeLock(store, async () => {
    const current = resolveRelease(store, undefined);
    const base = readManifest(store, current);
    const env: EnvSnapshot = { ...readEnvSnapshot(store, base.id) };
    edit(env);
    const manifest = await deriveRelease({ store, base, kind: 'config', description, env: sortedEnv(env), shellEnv: process.env });
    return announce(store, manifest, current, `the build of ${base.id}, env ${counted(manifest.env.keys, 'variable')}`);
  });
}
