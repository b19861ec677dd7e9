import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TfError } from '../util/errors.js';
import { parseReleaseId } from './ids.js';
import { parseManifest, type Manifest } from './manifest.js';
import { readCurrent } from './pointer.js';
import type { Store } from './store.js';
import type { EnvSnapshot } from './env-snapshot.js';

export const MANIFEST = 'release.yml';
export const ENV_FILE = 'env.json';
export const PROCFILE = 'Procfile';
export const APP_LINK = 'app';
export const RELEASE_LOG = 'release.log';
export const BUILD_LOG = 'build.log';

export function readManifest(store: Store, id: string): Manifest {
  const path = join(store.release(id), MANIFEST);
  if (!existsSync(store.release(id))) throw new TfError(`no release ${id} in ${store.shown}`, 'see tf release list');
  return parseManifest(readFileSync(path, 'utf8'), `${id}/${MANIFEST}`);
}

export function readEnvSnapshot(store: Store, id: string): EnvSnapshot {
  try {
    return JSON.parse(readFileSync(join(store.release(id), ENV_FILE), 'utf8')) as EnvSnapshot;
  } catch (error) {
    throw new TfError(`${id}/${ENV_FILE}: unreadable (${(error as Error).message})`, 'tf release verify says more');
  }
}

/** Every release's manifest, oldest first. */
export function readAll(store: Store): Manifest[] {
  return store.listIds().map((id) => readManifest(store, id));
}

/**
 * An ID from the command line: `current` (or nothing) means the current release; anything else
 * must be a well-formed ID of an existing release. Never a path.
 */
export function resolveRelease(store: Store, text: string | undefined): string {
  if (text === undefined || text === 'current') {
    const current = readCurrent(store);
    if (current === undefined) throw new TfError(`no release in ${store.shown} is current`, 'create one with tf release create');
    return current;
  }
  const id = parseReleaseId(text);
  if (!existsSync(join(store.release(id), MANIFEST))) throw new TfError(`no release ${id} in ${store.shown}`, 'see tf release list');
  return id;
}
