import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './fs-util.js';
import type { Store } from './store.js';

/** The line of an `.in-use` file saying its tf follows `current` (the other lines are IDs). */
const FOLLOW_LINE = 'follows current';

/** A live tf that runs releases of the store. */
export interface StoreUser {
  pid: number;
  /** Every release its processes run (two while it rolls from one onto another). */
  ids: string[];
  /** It was started with --release and no ID: it rolls onto each new current release. */
  follows: boolean;
}

/** What a running tf says about the releases it runs, for as long as it runs. */
export interface InUseMark {
  /** Replaces the releases recorded as in use (a follow roll moves them). */
  set(ids: string[]): void;
}

/**
 * Records that this process runs a release (`.in-use/PID`: its IDs, one a line, and whether it
 * follows `current`) until it exits, so prune leaves them alone and the release commands can say
 * who follows. A tf killed with -9 leaves its file behind; a dead pid's file counts for nothing.
 */
export function markInUse(store: Store, id: string, follows = false): InUseMark {
  const file = join(store.inUse, String(process.pid));
  // Renamed into place: a command reading it while a roll rewrites it sees the old list or the new, never an empty file.
  const write = (ids: string[]): void => {
    writeFileSync(`${file}.new`, [...ids, ...(follows ? [FOLLOW_LINE] : [])].map((line) => `${line}\n`).join(''), { mode: 0o600 });
    renameSync(`${file}.new`, file);
  };
  write([id]);
  process.once('exit', () => {
    try {
      unlinkSync(file);
    } catch {
      // Already removed.
    }
  });
  return { set: write };
}

/** IDs used by live processes; files of dead ones are removed on the way. */
export function inUseIds(store: Store): Set<string> {
  return new Set(storeUsers(store).flatMap((u) => u.ids));
}

/** The live processes running a release of this store, as "PID (vN)". */
export function describeUsers(store: Store): string[] {
  return storeUsers(store).map((u) => `${u.pid} (${u.ids.join(', ')})`);
}

export function storeUsers(store: Store): StoreUser[] {
  const found: StoreUser[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(store.inUse);
  } catch {
    return found;
  }
  for (const name of names) {
    const file = join(store.inUse, name);
    if (!/^[0-9]+$/.test(name)) continue;
    if (!isAlive(Number(name))) {
      try {
        unlinkSync(file);
      } catch {
        // Someone else cleaned it.
      }
      continue;
    }
    try {
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      found.push({ pid: Number(name), ids: lines.filter((line) => line !== FOLLOW_LINE), follows: lines.includes(FOLLOW_LINE) });
    } catch {
      // Gone between readdir and read: its process just ended.
    }
  }
  return found;
}
