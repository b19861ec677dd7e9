import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { procStat } from '../platform/proc.js';
import { isAlive } from './fs-util.js';
import { withLock } from './lock.js';
import type { Store } from './store.js';

const MARKER = '.release-phase';
const POLL_MS = 100;

/** Who runs a release phase: the release, and the tf doing it (pid and start time, so a reused pid is not taken for it). */
interface Owner {
  id: string;
  pid: number;
  start: number | null;
}

/**
 * Runs a release phase with a marker in the store, written before and removed after. A marker whose
 * tf is dead means a phase was cut short (tf was killed; the shim killed the phase with it): the
 * next create says so. A marker whose tf lives means a phase runs now: a migration must never run
 * twice at once, so this one waits for it.
 */
export async function withPhaseMarker<T>(store: Store, id: string, warn: (text: string) => void, run: () => Promise<T>): Promise<T> {
  const path = join(store.dir, MARKER);
  const own: Owner = { id, pid: process.pid, start: procStat(process.pid)?.start ?? null };
  let waiting = false;
  for (;;) {
    const other = await withLock(store, () => claim(path, own, warn));
    if (!other) break;
    if (!waiting) warn(`waiting for the release phase of ${other.id} (pid ${other.pid}) to finish`);
    waiting = true;
    await sleep(POLL_MS);
  }
  try {
    return await run();
  } finally {
    if (read(path)?.pid === own.pid) unlinkSync(path);
  }
}

/** Under the store's lock: takes the marker (undefined) or returns the live owner to wait for. */
function claim(path: string, own: Owner, warn: (text: string) => void): Owner | undefined {
  const other = read(path);
  if (other && running(other)) return other;
  if (other) warn(`release phase of ${other.id} was interrupted (tf was killed while it ran); check what it did before relying on ${other.id}`);
  writeFileSync(path, JSON.stringify(own));
  return undefined;
}

function running(owner: Owner): boolean {
  if (!isAlive(owner.pid)) return false;
  const start = procStat(owner.pid)?.start;
  return owner.start === null || start === undefined || start === owner.start;
}

function read(path: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}
