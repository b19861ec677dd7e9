import { existsSync, readlinkSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TfError, errnoCode } from '../util/errors.js';
import { fsyncDir } from './fs-util.js';
import { seqOf } from './ids.js';
import type { Store } from './store.js';

/**
 * The ID `current` points to, or undefined when there is none yet. A `current` that points at
 * something that is not a release (deleted, renamed, edited by hand) is an error, not a guess.
 */
export function readCurrent(store: Store): string | undefined {
  let target: string;
  try {
    target = readlinkSync(store.current);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'EINVAL') throw new TfError(`${store.shown}/current is not a symlink`, 'remove it, then pick a release with tf release rollback ID');
    throw error;
  }
  if (seqOf(target) === undefined || !existsSync(join(store.release(target), 'release.yml'))) {
    throw new TfError(`${store.shown}/current points to "${target}", which is not a release in this store`, 'pick one with tf release rollback ID (see tf release list)');
  }
  return target;
}

/**
 * Points `current` at a release atomically: a new symlink under a temporary name, renamed over the
 * old one. Readers see the old target or the new one, never a missing link. Relative, so the store
 * can be moved.
 */
export function swapCurrent(store: Store, id: string): void {
  const temp = join(store.tmp, `${process.pid}-current`);
  try {
    unlinkSync(temp);
  } catch {
    // Usually absent.
  }
  symlinkSync(id, temp);
  renameSync(temp, store.current);
  fsyncDir(store.dir);
}

/**
 * Makes `id` current unless a newer release already is: commands that overlap may finish in any
 * order, and `current` only ever moves forward to the release a command just made. A broken
 * `current` is replaced (that is how a rollback to a named release repairs it). Call under the lock.
 */
export function advanceCurrent(store: Store, id: string): void {
  let current: string | undefined;
  try {
    current = readCurrent(store);
  } catch {
    current = undefined;
  }
  if (current !== undefined && (seqOf(current) ?? 0) > (seqOf(id) ?? 0)) return;
  swapCurrent(store, id);
}
