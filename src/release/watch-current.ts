import { watch, type FSWatcher } from 'node:fs';
import { readCurrent } from './pointer.js';
import type { Store } from './store.js';

/** How often `current` is read again when no change event came (a missed or unsupported fs event). */
export const CURRENT_POLL_MS = 2000;

/**
 * Calls ON_MOVE with the new ID each time `current` points somewhere new. The release commands
 * move it by renaming a new symlink over it (pointer.ts), which inotify/FSEvents report on the
 * store folder at once; a slow poll backs that up where folder events are missed (network file
 * systems, a store folder replaced). A `current` that cannot be read is ignored until it can.
 */
export function watchCurrent(store: Store, from: string | undefined, onMove: (id: string) => void): { close(): void } {
  let last = from;
  const check = (): void => {
    let id: string | undefined;
    try {
      id = readCurrent(store);
    } catch {
      return;
    }
    if (id === undefined || id === last) return;
    last = id;
    onMove(id);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(store.dir, { persistent: false }, (_event, name) => {
      if (name === null || name === 'current') check();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // No folder events here: the poll alone notices the move.
  }
  const timer = setInterval(check, CURRENT_POLL_MS);
  timer.unref();
  return {
    close: () => {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
