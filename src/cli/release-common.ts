import { join } from 'node:path';
import type { EnvSnapshot } from '../release/env-snapshot.js';
import type { Manifest } from '../release/manifest.js';
import { storeUsers } from '../release/in-use.js';
import { readCurrent } from '../release/pointer.js';
import { RELEASE_LOG } from '../release/releases.js';
import { locateStore, openStore, storeDir, type Store } from '../release/store.js';
import { TfError } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import type { StoreFlags } from './options.js';

// What the release commands share. Kept apart from each command's module, so that listing or
// showing releases does not load the code that makes them.

export function openFor(flags: StoreFlags): Store {
  return openStore(storeDir(locateStore(flags)));
}

/** Reports a new release; a failed release phase is an error naming the release and its log. */
export function announce(store: Store, manifest: Manifest, previous: string | undefined, detail: string): number {
  if (manifest.status === 'failed') {
    const log = displayPath(join(store.release(manifest.id), RELEASE_LOG));
    const still = previous ? `current still points to ${previous}` : 'no release is current';
    throw new TfError(`${manifest.id}: the release phase failed (exit status ${manifest.releasePhase?.status}); ${manifest.id} is kept as failed and ${still}`, `its output is in ${log}`);
  }
  // Another command may have made a newer release current meanwhile: current never moves back.
  const now = readCurrent(store);
  const pointer = now === manifest.id ? `current -> ${manifest.id}` : `current stays ${now}, which is newer`;
  process.stdout.write(`tf: ${manifest.id} created${manifest.description ? ` (${manifest.description})` : ''}: ${detail}; ${pointer}\n`);
  if (now === manifest.id) process.stdout.write(followers(store, manifest.id));
  return 0;
}

/** One line for each running tf: whether it rolls onto the new current release or stays where it is. */
function followers(store: Store, id: string): string {
  return storeUsers(store)
    .map((user) => {
      const runs = user.ids.join(', ');
      if (!user.follows) return `tf: tf ${user.pid} is pinned to ${runs}: it stays on ${runs}\n`;
      // A follower quick to notice already lists the new release beside the one it leaves.
      const from = user.ids.filter((each) => each !== id);
      return from.length > 0 ? `tf: tf ${user.pid} (running ${from.join(', ')}) follows current: it rolls onto ${id}\n` : `tf: tf ${user.pid} follows current: it runs ${id}\n`;
    })
    .join('');
}

/** An env snapshot as indented KEY=VALUE lines. */
export function envLines(env: EnvSnapshot): string {
  return Object.entries(env).map(([k, v]) => `  ${k}=${v}\n`).join('');
}
