import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readIndex } from './build-index.js';
import { moveFolder, removeTree } from './fs-util.js';
import { storeUsers, type StoreUser } from './in-use.js';
import { objectName } from './objects.js';
import { withLock } from './lock.js';
import { readCurrent } from './pointer.js';
import { readManifest } from './releases.js';
import { liveStagings, removeAbandoned } from './staging.js';
import type { Store } from './store.js';

export interface PruneResult {
  removed: string[];
  kept: string[];
  builds: number;
  objects: number;
  bytes: number;
  /** Why each release older than the newest `keep` was kept anyway: current, or run by a live tf. */
  protectedWhy: Record<string, string>;
  /** Set when objects were not collected because a create was in progress. */
  skippedObjects?: string;
}

/** Which releases prune removes: all but the newest `keep`, the current one and those in use. */
export function releasesToRemove(ids: readonly string[], keep: number, protectedIds: ReadonlySet<string>): string[] {
  const newest = new Set(ids.slice(Math.max(0, ids.length - keep)));
  return ids.filter((id) => !newest.has(id) && !protectedIds.has(id));
}

/** The releases prune must keep, each with why: current, or in use by a running tf. */
function protection(current: string | undefined, users: StoreUser[]): Map<string, string> {
  const why = new Map<string, string>();
  for (const user of users) {
    for (const id of user.ids) {
      const by = `in use by a running tf (pid ${user.pid}, ${user.follows ? 'follows current' : `pinned to ${id}`})`;
      why.set(id, why.has(id) ? `${why.get(id)}; ${by}` : by);
    }
  }
  if (current) why.set(current, why.has(current) ? `current; ${why.get(current)}` : 'current');
  return why;
}

/**
 * Removes old releases, then the builds no kept release links to, then the objects no kept build
 * uses. It holds the lock throughout, so no create can reserve an ID meanwhile; a create already
 * building (a live staging dir) may be about to link objects, so objects are then left alone.
 */
export async function prune(store: Store, keep: number): Promise<PruneResult> {
  return withLock(store, () => {
    removeAbandoned(store);
    const ids = store.listIds();
    const current = readCurrent(store);
    const why = protection(current, storeUsers(store));
    const removed = releasesToRemove(ids, keep, new Set(why.keys()));
    for (const id of removed) {
      // Renamed away first, so a crash half-way leaves debris for removeAbandoned, not a broken vN.
      const trash = join(store.tmp, `${process.pid}-${id}`);
      moveFolder(store.release(id), trash);
      removeTree(trash);
    }
    const kept = ids.filter((id) => !removed.includes(id));
    const pastKeep = new Set(releasesToRemove(ids, keep, new Set()));
    const protectedWhy = Object.fromEntries([...why].filter(([id]) => pastKeep.has(id)));
    const result: PruneResult = { removed, kept, protectedWhy, builds: 0, objects: 0, bytes: 0 };
    const live = liveStagings(store);
    if (live.length > 0) {
      result.skippedObjects = `a release is being created (${live.join(', ')})`;
      return result;
    }
    const usedBuilds = buildsOf(store, kept);
    if (!usedBuilds) {
      result.skippedObjects = 'a kept release has no readable manifest (see tf release verify --all)';
      return result;
    }
    const usedObjects = new Set<string>();
    for (const name of readdirSync(store.builds)) {
      const digest = name.replace(/\.index\.json$/, '');
      if (name.startsWith('.')) continue;
      if (usedBuilds.has(digest)) {
        if (name.endsWith('.index.json')) {
          for (const e of readIndex(join(store.builds, name)).entries) if (e.kind !== 'symlink') usedObjects.add(objectName(e.ref, e.kind === 'exec'));
        }
        continue;
      }
      if (!name.endsWith('.index.json')) result.builds++;
      removeTree(join(store.builds, name));
    }
    for (const name of readdirSync(store.objects)) {
      if (name.startsWith('.') || usedObjects.has(name)) continue;
      const path = join(store.objects, name);
      result.bytes += lstatSync(path).size;
      unlinkSync(path);
      result.objects++;
    }
    return result;
  });
}

/** The builds the kept releases use, or undefined if one cannot be told: then nothing is collected. */
function buildsOf(store: Store, ids: string[]): Set<string> | undefined {
  try {
    return new Set(ids.map((id) => readManifest(store, id).build.digest));
  } catch {
    return undefined;
  }
}
