import { lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { removeTree } from './fs-util.js';
import { withLock } from './lock.js';
import { APP_LINK } from './releases.js';
import { liveStagings } from './staging.js';
import type { Store } from './store.js';

/** What a create added to the store before it failed. */
export interface CreateWork {
  /** Object names it stored (content that was not there before). */
  objects: readonly string[];
  /** The digest of a build it made, if it made one. */
  build?: string;
}

/**
 * Removes what a failed create added, so a failure costs no disk until the next prune. Only when
 * no other create is under way (under the lock, as prune): another one may have found our objects
 * or our build and be about to link them. An object is removed only while nothing links to it
 * (one link: its own name), and a build only while no release points at it. Best effort: what is
 * left (a full disk refusing even the lock) is prune's to collect, as before.
 */
export async function discardWork(store: Store, work: CreateWork): Promise<void> {
  if (work.objects.length === 0 && work.build === undefined) return;
  try {
    await withLock(store, () => {
      if (liveStagings(store).length > 0) return;
      if (work.build !== undefined && !releaseUses(store, work.build)) {
        removeTree(store.build(work.build));
        removeTree(`${store.build(work.build)}.index.json`);
      }
      for (const name of work.objects) {
        const path = join(store.objects, name);
        if (lstatSync(path, { throwIfNoEntry: false })?.nlink === 1) unlinkSync(path);
      }
    }, 1000);
  } catch {
    // Left for prune: the create's own error is what the user needs to see.
  }
}

function releaseUses(store: Store, digest: string): boolean {
  const link = join('..', '.builds', digest);
  return store.listIds().some((id) => {
    try {
      return readlinkSync(join(store.release(id), APP_LINK)) === link;
    } catch {
      // Unreadable: it may be ours, so the build stays.
      return true;
    }
  });
}
