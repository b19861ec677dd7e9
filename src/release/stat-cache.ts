import { readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-util.js';
import type { EntryKind } from './build-index.js';
import type { Store } from './store.js';

type Row = [size: number, mtimeMs: number, ctimeMs: number, ino: number, kind: EntryKind, hash: string];

/**
 * Source path -> (size, mtime, ctime, inode, kind) -> hash, from the last scan of this root, so an
 * unchanged file is never read again (git's index does the same). It is a cache, not part of any
 * build: a build's index is a value that verify checks, this file is rewritten by every create.
 */
export class StatCache {
  private readonly next = new Map<string, Row>();

  private constructor(
    private readonly file: string,
    private readonly root: string,
    private readonly rows: Map<string, Row>,
  ) {}

  static load(store: Store, root: string): StatCache {
    const file = join(store.dir, '.stat-cache.json');
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { root?: string; rows?: Record<string, Row> };
      if (raw.root === root && raw.rows) return new StatCache(file, root, new Map(Object.entries(raw.rows)));
    } catch {
      // Missing or damaged: every file is simply hashed again.
    }
    return new StatCache(file, root, new Map());
  }

  lookup(path: string, stat: Stats, kind: EntryKind): string | undefined {
    const row = this.rows.get(path);
    if (!row) return undefined;
    const [size, mtimeMs, ctimeMs, ino, rowKind, hash] = row;
    const same = size === stat.size && mtimeMs === stat.mtimeMs && ctimeMs === stat.ctimeMs && ino === stat.ino && rowKind === kind;
    return same ? hash : undefined;
  }

  /**
   * Remembers a hash for the next scan, unless the file changed too recently to trust its mtime:
   * a write in the same clock tick as our read would leave size and mtime unchanged ("racy git").
   */
  record(path: string, stat: Stats, kind: EntryKind, hash: string, scanStartMs: number): void {
    if (stat.mtimeMs >= scanStartMs - RACY_MS || stat.ctimeMs >= scanStartMs - RACY_MS) return;
    this.next.set(path, [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, kind, hash]);
  }

  /** Rewrites the cache, unless this scan found exactly what it already held (the common case). */
  save(): void {
    if (this.next.size === this.rows.size && [...this.next].every(([path, row]) => sameRow(this.rows.get(path), row))) return;
    writeFileAtomic(this.file, JSON.stringify({ format: 1, root: this.root, rows: Object.fromEntries(this.next) }), 0o600);
  }
}

/** Linux file timestamps come from a clock that ticks every few milliseconds. */
const RACY_MS = 100;

function sameRow(a: Row | undefined, b: Row): boolean {
  return a !== undefined && a.every((value, i) => value === b[i]);
}
