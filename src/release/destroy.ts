import { realpathSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TfError } from '../util/errors.js';
import { removeTree } from './fs-util.js';
import { describeUsers } from './in-use.js';
import { withLock } from './lock.js';
import { liveStagings } from './staging.js';
import type { Store } from './store.js';

/**
 * Removes a whole store, read-only folders included (which a plain `rm -rf` by its owner cannot:
 * only root empties a folder without write permission on it). Refused while a tf runs one of its
 * releases or makes one. Under the lock, the store is first renamed away, so it vanishes at once
 * for every other tf; a crash during the removal leaves `.NAME.destroying-PID` beside it.
 */
export async function destroyStore(store: Store): Promise<void> {
  // The store itself, when its path is a symlink to it (the link is then left dangling).
  const dir = realpathSync(store.dir);
  const trash = join(dirname(dir), `.${basename(dir)}.destroying-${process.pid}`);
  await withLock(store, () => {
    const users = describeUsers(store);
    if (users.length > 0) throw new TfError(`${store.shown} is in use by tf ${users.join(', ')}`, 'stop it first; tf release destroy removes nothing meanwhile');
    const making = liveStagings(store);
    if (making.length > 0) throw new TfError(`a release is being made in ${store.shown} (${making.join(', ')})`, 'wait for it to finish');
    renameSync(dir, trash);
  });
  removeTree(trash);
}
