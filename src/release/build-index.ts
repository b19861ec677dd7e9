import { readFileSync } from 'node:fs';
import { TfError } from '../util/errors.js';
import { writeFileAtomic } from './fs-util.js';
import { sha256 } from './objects.js';

export type EntryKind = 'file' | 'exec' | 'symlink';

/** One path of a build: a file by content hash, or a symlink by its target. */
export interface IndexEntry {
  path: string;
  kind: EntryKind;
  /** sha256 of a file's content; the link text of a symlink. */
  ref: string;
}

export interface BuildIndex {
  digest: string;
  entries: IndexEntry[];
}

function byPath(a: IndexEntry, b: IndexEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * A build's identity: sha256 over its sorted (path, kind, ref) triples, one JSON array a line so
 * no path (spaces, newlines) can make two different builds hash alike. Same files, same digest.
 */
export function buildDigest(entries: readonly IndexEntry[]): string {
  const lines = [...entries].sort(byPath).map((e) => `${JSON.stringify([e.path, e.kind, e.ref])}\n`);
  return sha256(lines.join(''));
}

export function makeIndex(entries: IndexEntry[]): BuildIndex {
  const sorted = [...entries].sort(byPath);
  return { digest: buildDigest(sorted), entries: sorted };
}

export function writeIndex(path: string, index: BuildIndex): void {
  writeFileAtomic(path, `${JSON.stringify({ format: 1, digest: index.digest, entries: index.entries.map((e) => [e.path, e.kind, e.ref]) })}\n`, 0o444);
}

export function readIndex(path: string): BuildIndex {
  let raw: { digest?: unknown; entries?: unknown };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as typeof raw;
  } catch (error) {
    throw new TfError(`${path}: cannot read the build index (${(error as Error).message})`, 'the store is damaged; tf release verify says more');
  }
  if (typeof raw.digest !== 'string' || !Array.isArray(raw.entries)) throw new TfError(`${path}: not a build index`, 'the store is damaged');
  const entries = (raw.entries as [string, EntryKind, string][]).map(([path, kind, ref]) => ({ path, kind, ref }));
  return { digest: raw.digest, entries };
}

export interface IndexChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Paths added, removed and changed (content, mode or link target) from `before` to `after`. */
export function compareEntries(before: readonly IndexEntry[], after: readonly IndexEntry[]): IndexChanges {
  const old = new Map(before.map((e) => [e.path, e]));
  const out: IndexChanges = { added: [], removed: [], changed: [] };
  for (const entry of after) {
    const was = old.get(entry.path);
    if (!was) out.added.push(entry.path);
    else if (was.kind !== entry.kind || was.ref !== entry.ref) out.changed.push(entry.path);
    old.delete(entry.path);
  }
  out.removed.push(...old.keys());
  for (const list of [out.added, out.removed, out.changed]) list.sort();
  return out;
}
