import { loadApp } from '../config/app.js';
import { createRelease } from '../release/create.js';
import { readCurrent } from '../release/pointer.js';
import { readEnvSnapshot } from '../release/releases.js';
import { compareEnv, type EnvSnapshot } from '../release/env-snapshot.js';
import { createStore, locateStore, storeDir } from '../release/store.js';
import type { StoreFlags } from './options.js';
import { announce } from './release-common.js';
import { appOptions } from './app-flags.js';
import { counted } from '../util/plural.js';

export interface CreateFlags extends StoreFlags {
  message?: string;
  envFile?: string[];
  /** --env KEY=VALUE, long only: -e is an env file everywhere. */
  env?: string[];
}

/** `tf release create` / `tf build`. */
export async function create(flags: CreateFlags): Promise<number> {
  const app = await loadApp(appOptions(flags));
  const store = createStore(storeDir(locateStore(flags)));
  const previous = readCurrent(store);
  const { manifest, reused } = await createRelease({ app, store, description: flags.message, env: flags.env ?? [], shellEnv: process.env });
  if (previous) noteDroppedKeys(readEnvSnapshot(store, previous), readEnvSnapshot(store, manifest.id), previous, manifest.id);
  const build = `build ${manifest.build.digest.slice(0, 12)}${reused ? ' (unchanged, reused)' : ''}, ${manifest.build.files} files`;
  return announce(store, manifest, previous, `${build}; env ${counted(manifest.env.keys, 'variable')}`);
}


/**
 * A create snapshots the env files again, so a variable set with `tf config set` (or removed from
 * the env files) is not carried over: say so, rather than let it vanish silently.
 */
function noteDroppedKeys(before: EnvSnapshot, after: EnvSnapshot, from: string, to: string): void {
  const dropped = compareEnv(before, after).removed;
  if (dropped.length === 0) return;
  process.stdout.write(`tf: note: ${dropped.join(', ')} ${dropped.length === 1 ? 'was' : 'were'} in ${from}'s env but ${dropped.length === 1 ? 'is' : 'are'} not in the env files or --env, so ${to} does not have ${dropped.length === 1 ? 'it' : 'them'}\n`);
}
