import { TfError } from '../util/errors.js';
import type { Manifest } from './manifest.js';

/**
 * The release `tf release rollback` returns to when no ID is given: the newest successful release
 * older (by sequence number, never by file times) than the current one.
 */
export function previousRelease(releases: readonly Manifest[], currentId: string): Manifest | undefined {
  const current = releases.find((r) => r.id === currentId);
  if (!current) return undefined;
  return releases.filter((r) => r.seq < current.seq && r.status === 'ok').sort((a, b) => b.seq - a.seq)[0];
}

/** Which release a rollback copies, or why there is none. */
export function rollbackTarget(releases: readonly Manifest[], currentId: string | undefined, requested?: string): Manifest {
  if (requested !== undefined) {
    const target = releases.find((r) => r.id === requested);
    if (!target) throw new TfError(`no release ${requested}`, 'see tf release list');
    if (target.status !== 'ok') throw new TfError(`${requested} failed its release phase; tf will not roll back to it`, 'pick an ok release from tf release list');
    return target;
  }
  if (currentId === undefined) throw new TfError('no release is current, so there is nothing to roll back from', 'name one: tf release rollback ID');
  const previous = previousRelease(releases, currentId);
  if (!previous) {
    const only = releases.length === 1 ? `${currentId} is the only release` : `no successful release is older than ${currentId}`;
    throw new TfError(`nothing to roll back to: ${only}`, 'create another with tf release create');
  }
  return previous;
}
