import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIR_MODE, isAlive, removeTree } from './fs-util.js';
import { releaseId, seqOf } from './ids.js';
import { withLock } from './lock.js';
import type { Store } from './store.js';

/** A release being assembled: its ID is reserved by the directory's existence. */
export interface Staging {
  id: string;
  seq: number;
  dir: string;
}

const STAGING = /^\.staging-(v[0-9]+)-([0-9]+)$/;
const WORK = /^([0-9]+)-/;
/** writeFileAtomic's temporary names. */
const TEMP_FILE = /\.tmp-([0-9]+)$/;

/**
 * Reserves the next ID under the lock by creating `.staging-vN-PID`: next = 1 + the highest of the
 * existing releases and the reservations of live tfs. The build and the release phase then run
 * outside the lock, so two creates proceed side by side with distinct IDs.
 */
export async function reserveStaging(store: Store): Promise<Staging> {
  return withLock(store, () => {
    removeAbandoned(store);
    let highest = 0;
    for (const name of readdirSync(store.dir)) {
      const seq = seqOf(STAGING.exec(name)?.[1] ?? name);
      if (seq !== undefined) highest = Math.max(highest, seq);
    }
    const seq = highest + 1;
    const id = releaseId(seq);
    const dir = join(store.dir, `.staging-${id}-${process.pid}`);
    mkdirSync(dir, { mode: DIR_MODE });
    return { id, seq, dir };
  });
}

/**
 * Staging dirs, half-made builds and objects, and half-written files left by tfs that died (a
 * crash, kill -9). It looks only where such things are made, never through the objects, so it
 * costs the same for any app size.
 */
export function removeAbandoned(store: Store): void {
  const dead = (pid: number): boolean => !isAlive(pid);
  sweep(store.dir, STAGING, 2, dead);
  sweep(store.dir, TEMP_FILE, 1, dead);
  sweep(store.builds, TEMP_FILE, 1, dead);
  sweep(store.tmp, WORK, 1, dead);
}

/** This process's own unfinished work in .tmp (a failed or interrupted create). */
export function removeOwnWork(store: Store): void {
  const own = (pid: number): boolean => pid === process.pid;
  sweep(store.tmp, WORK, 1, own);
  sweep(store.builds, TEMP_FILE, 1, own);
}

/** Removes the entries of DIR whose name carries, in PATTERN's GROUP, the pid of a tf WHOSE picks. */
function sweep(dir: string, pattern: RegExp, group: number, whose: (pid: number) => boolean): void {
  for (const name of readdirSync(dir)) {
    const pid = pattern.exec(name)?.[group];
    if (pid !== undefined && whose(Number(pid))) removeTree(join(dir, name));
  }
}

/** True while some live tf is assembling a release (prune must not collect objects then). */
export function liveStagings(store: Store): string[] {
  return readdirSync(store.dir).filter((name) => {
    const pid = STAGING.exec(name)?.[2];
    return pid !== undefined && isAlive(Number(pid));
  });
}
