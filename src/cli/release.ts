import { join } from 'node:path';
import { deriveRelease } from '../release/derive.js';
import { rollbackTarget } from '../release/history.js';
import type { Manifest } from '../release/manifest.js';
import { readCurrent } from '../release/pointer.js';
import { readAll, RELEASE_LOG } from '../release/releases.js';
import { openStore, storeDir, type Store } from '../release/store.js';
import { parseReleaseId } from '../release/ids.js';
import { TfError } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { storeLocation } from './app-flags.js';
import type { StoreFlags } from './options.js';

export function openFor(flags: StoreFlags): Store {
  return openStore(storeDir(storeLocation(flags)));
}

/** Reports a new release; a failed release phase is an error naming the release and its log. */
export function announce(store: Store, manifest: Manifest, previous: string | undefined, detail: string): number {
  if (manifest.status === 'failed') {
    const log = displayPath(join(store.release(manifest.id), RELEASE_LOG));
    const still = previous ? `current still points to ${previous}` : 'no release is current';
    throw new TfError(`${manifest.id}: the release phase failed (exit status ${manifest.releasePhase?.status}); ${manifest.id} is kept as failed and ${still}`, `its output is in ${log}`);
  }
  process.stdout.write(`tf: ${manifest.id} created${manifest.description ? ` (${manifest.description})` : ''}: ${detail}; current -> ${manifest.id}\n`);
  return 0;
}

/** `tf release rollback [ID]`: Heroku's semantics, a new release copying an old one's build and env. */
export async function rollback(id: string | undefined, flags: StoreFlags): Promise<number> {
  const store = openFor(flags);
  const requested = id === undefined ? undefined : parseReleaseId(id);
  // A named target needs no current release: it is how a broken `current` gets repaired.
  const current = requested === undefined ? readCurrent(store) : currentOrNothing(store);
  const target = rollbackTarget(readAll(store), current, requested);
  const manifest = await deriveRelease({ store, base: target, kind: 'rollback', description: `Rollback to ${target.id}`, shellEnv: process.env });
  return announce(store, manifest, current, `the build and env of ${target.id}`);
}

function currentOrNothing(store: Store): string | undefined {
  try {
    return readCurrent(store);
  } catch {
    return undefined;
  }
}
