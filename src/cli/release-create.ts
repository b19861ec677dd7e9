import { loadApp } from '../config/app.js';
import { createRelease } from '../release/create.js';
import { readCurrent } from '../release/pointer.js';
import { createStore, storeDir } from '../release/store.js';
import type { StoreFlags } from './options.js';
import { announce } from './release.js';

export interface CreateFlags extends StoreFlags {
  message?: string;
  envFile?: string[];
  env?: string[];
}

/** `tf release create` / `tf build`. */
export async function create(flags: CreateFlags): Promise<number> {
  const app = await loadApp({ procfile: flags.procfile, root: flags.root, envFiles: flags.envFile, shellEnv: process.env });
  const store = createStore(storeDir({ root: app.root, ...(flags.releasesDir ? { releasesDir: flags.releasesDir } : {}) }));
  const previous = readCurrent(store);
  const { manifest, reused } = await createRelease({ app, store, description: flags.message, env: flags.env ?? [], shellEnv: process.env });
  const build = `build ${manifest.build.digest.slice(0, 12)}${reused ? ' (unchanged, reused)' : ''}, ${manifest.build.files} files`;
  return announce(store, manifest, previous, `${build}; env ${manifest.env.keys} variables`);
}

