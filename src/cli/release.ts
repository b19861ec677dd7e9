import { deriveRelease } from '../release/derive.js';
import { rollbackTarget } from '../release/history.js';
import { parseReleaseId } from '../release/ids.js';
import { withChangeLock } from '../release/lock.js';
import { readCurrent } from '../release/pointer.js';
import { readAll } from '../release/releases.js';
import type { Store } from '../release/store.js';
import type { StoreFlags } from './options.js';
import { announce, openFor } from './release-common.js';

/** `tf release rollback [ID]`: Heroku's semantics, a new release copying an old one's build and env. */
export async function rollback(id: string | undefined, flags: StoreFlags): Promise<number> {
  const store = openFor(flags);
  const requested = id === undefined ? undefined : parseReleaseId(id);
  // "The one before current" must not change under us: a config change at once waits its turn.
  return withChangeLock(store, async () => {
    // A named target needs no current release: it is how a broken `current` gets repaired.
    const current = requested === undefined ? readCurrent(store) : currentOrNothing(store);
    const target = rollbackTarget(readAll(store), current, requested);
    const manifest = await deriveRelease({ store, base: target, kind: 'rollback', description: `Rollback to ${target.id}`, shellEnv: process.env });
    return announce(store, manifest, current, `the build and env of ${target.id}`);
  });
}

function currentOrNothing(store: Store): string | undefined {
  try {
    return readCurrent(store);
  } catch {
    return undefined;
  }
}
