import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TfError, errnoCode } from '../util/errors.js';
import { isAlive } from './fs-util.js';
import type { Store } from './store.js';

const WAIT_MS = 30_000;
const POLL_MS = 25;
const EMPTY_LOCK_STALE_MS = 5_000;

/**
 * Runs `fn` holding the store's lock: `.lock`, created with O_EXCL and holding our pid. The lock
 * is held only for bookkeeping (reserving a sequence number, moving `current`, pruning), never
 * during a build, so waiting is short. A lock whose pid is dead was left by a crash and is removed.
 */
export async function withLock<T>(store: Store, fn: () => T | Promise<T>, waitMs = WAIT_MS): Promise<T> {
  return holding(store.lockFile, fn, waitMs, (pid) => new TfError(`the release store is locked by pid ${pid} (${store.lockFile})`, 'wait for the other tf to finish; remove the file if no tf is running'));
}

/** How long a config change or rollback waits for another one, whose release phase may be slow. */
const CHANGE_WAIT_MS = 10 * 60_000;

/**
 * Runs `fn` holding `.change.lock`: config set/unset and rollback read the current release, make
 * a new one from it and move `current`, and two of them at once must not both start from the same
 * release (the second would drop the first one's change). Held across the release phase, so it is
 * a lock of its own: creates keep reserving IDs meanwhile.
 */
export async function withChangeLock<T>(store: Store, fn: () => T | Promise<T>, waitMs = CHANGE_WAIT_MS): Promise<T> {
  return holding(store.changeLock, fn, waitMs, (pid) => new TfError(`another tf (pid ${pid}) is still changing the current release`, `wait for it to finish; remove ${store.changeLock} if no tf is running`));
}

async function holding<T>(path: string, fn: () => T | Promise<T>, waitMs: number, busy: (pid: string) => TfError): Promise<T> {
  await acquire(path, waitMs, busy);
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(path);
    } catch {
      // Already gone: nothing else to undo.
    }
  }
}

async function acquire(path: string, waitMs: number, busy: (pid: string) => TfError): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = tryCreate(path);
    if (holder === undefined) return;
    if (holder !== null && !isAlive(holder)) {
      // Two tfs may both see the same stale lock; the loser of the unlink race simply retries, and
      // even a lock wrongly shared would not give two releases one ID: the final rename to vN fails
      // for whoever comes second.
      removeIfHeldBy(path, holder);
      continue;
    }
    if (holder === null && ageMs(path) > EMPTY_LOCK_STALE_MS) {
      // Created but never written: its owner died between open and write.
      removeIfHeldBy(path, null);
      continue;
    }
    if (Date.now() > deadline) throw busy(String(holder ?? '?'));
    await sleep(POLL_MS);
  }
}

/** undefined when we now hold the lock; else the holder's pid (null while it is being written). */
function tryCreate(path: string): number | null | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
    return readHolder(path);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch (error) {
    // A full disk: an empty lock would make every other tf wait for it to go stale.
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
  return undefined;
}

function readHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function removeIfHeldBy(path: string, pid: number | null): void {
  if (readHolder(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch {
    // Someone else removed it first.
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
