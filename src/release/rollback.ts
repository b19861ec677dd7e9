import { deriveRelease } from './derive.js';
import { rollbackTarget } from './history.js';
import { withChangeLock } from './lock.js';
import type { Manifest } from './manifest.js';
import { readCurrent } from './pointer.js';
import { readAll } from './releases.js';
import type { Store } from './store.js';

export interface Rollback {
  manifest: Manifest;
  /** What was current before (undefined: none was). */
  previous: string | undefined;
  /** The release whose build and env the new one copies. */
  target: Manifest;
}

/**
 * Heroku's semantics: a new release copying an old one's build and env, made current. REQUESTED
 * absent means the one before the current release. Shared by `tf release rollback` and `tf ui`.
 */
export function rollbackRelease(store: Store, requested: string | undefined, shellEnv: NodeJS.ProcessEnv): Promise<Rollback> {
  // "The one before current" must not change under us: a config change at once waits its turn.
  return withChangeLock(store, async () => {
    // A named target needs no current release: it is how a broken `current` gets repaired.
    const previous = requested === undefined ? readCurrent(store) : currentOrNothing(store);
    const target = rollbackTarget(readAll(store), previous, requested);
    const manifest = await deriveRelease({ store, base: target, kind: 'rollback', description: `Rollback to ${target.id}`, shellEnv });
    return { manifest, previous, target };
  });
}

function currentOrNothing(store: Store): string | undefined {
  try {
    return readCurrent(store);
  } catch {
    return undefined;
  }
}
