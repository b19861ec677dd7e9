import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './fs-util.js';
import type { Store } from './store.js';

/**
 * Records that this process runs a release (`.in-use/PID` holding its ID) until it exits, so prune
 * leaves it alone. A tf killed with -9 leaves its file behind; a dead pid's file counts for nothing.
 */
export function markInUse(store: Store, id: string): void {
  const file = join(store.inUse, String(process.pid));
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  process.once('exit', () => {
    try {
      unlinkSync(file);
    } catch {
      // Already removed.
    }
  });
}

/** IDs used by live processes; files of dead ones are removed on the way. */
export function inUseIds(store: Store): Set<string> {
  return new Set(users(store).map((u) => u.id));
}

/** The live processes running a release of this store, as "PID (vN)". */
export function storeUsers(store: Store): string[] {
  return users(store).map((u) => `${u.pid} (${u.id})`);
}

function users(store: Store): Array<{ pid: number; id: string }> {
  const found: Array<{ pid: number; id: string }> = [];
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
      found.push({ pid: Number(name), id: readFileSync(file, 'utf8').trim() });
    } catch {
      // Gone between readdir and read: its process just ended.
    }
  }
  return found;
}
