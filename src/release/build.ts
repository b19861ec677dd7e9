import { accessSync, constants, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, symlinkSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { TfError, errnoCode } from '../util/errors.js';
import { makeIndex, writeIndex, type BuildIndex, type EntryKind, type IndexEntry } from './build-index.js';
import { makeReadOnly, removeTree } from './fs-util.js';
import type { Interruption } from './interrupt.js';
import type { ObjectStore } from './objects.js';
import type { StatCache } from './stat-cache.js';
import type { Store } from './store.js';

function kindOf(stat: Stats): EntryKind | undefined {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFile()) return (stat.mode & 0o111) !== 0 ? 'exec' : 'file';
  return undefined;
}

/**
 * Hashes the user's source files into the object store (copying only content it has not seen) and
 * returns the build's index. A file whose stat matches the cache is neither read nor copied.
 */
export async function snapshotSource(objects: ObjectStore, root: string, files: string[], cache: StatCache, interruption: Interruption): Promise<BuildIndex> {
  const scanStart = Date.now();
  const entries: IndexEntry[] = [];
  for (const path of files) {
    await interruption.checkpoint();
    const abs = join(root, path);
    const stat = lstatSync(abs, { throwIfNoEntry: false });
    const kind = stat && kindOf(stat);
    // Tracked but deleted, or a directory (a git submodule): nothing to copy.
    if (!stat || !kind) continue;
    if (kind === 'symlink') {
      entries.push({ path, kind, ref: readlinkSync(abs) });
      continue;
    }
    const exec = kind === 'exec';
    // A cached hash is trusted without looking for its object: if prune removed it, the build
    // does not exist either, and materializeBuild stores the file again (see `source` there).
    const hash = cache.lookup(path, stat, kind) ?? ingestSource(objects, abs, path, exec, stat.size);
    if (hash === undefined) continue;
    cache.record(path, stat, kind, hash, scanStart);
    entries.push({ path, kind, ref: hash });
  }
  return makeIndex(entries);
}

/**
 * Stores one source file. One that vanished since it was listed is skipped; one tf cannot read is
 * the user's to fix. ENOENT or EACCES from the store's side (its .tmp gone, its permissions) is
 * not the user's file: the file itself is looked at again to tell them apart.
 */
function ingestSource(objects: ObjectStore, abs: string, path: string, exec: boolean, size: number): string | undefined {
  try {
    return objects.ingestCopy(abs, exec, size);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' && !existsSync(abs)) return undefined;
    if (code === 'EISDIR' || (code === 'EACCES' && !readable(abs))) throw new TfError(`${path}: cannot read it (${code})`, 'fix its permissions, or ignore it in .gitignore');
    throw error;
  }
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Moves every file of a private build tree (a build command's output) into the object store. */
export async function snapshotOwned(objects: ObjectStore, tree: string, interruption: Interruption): Promise<BuildIndex> {
  const entries: IndexEntry[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of readdirSync(join(tree, dir), { withFileTypes: true })) {
      await interruption.checkpoint();
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      const abs = join(tree, path);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isSymbolicLink()) entries.push({ path, kind: 'symlink', ref: readlinkSync(abs) });
      else if (entry.isFile()) {
        const exec = (lstatSync(abs).mode & 0o111) !== 0;
        entries.push({ path, kind: exec ? 'exec' : 'file', ref: objects.ingestOwned(abs, exec) });
      }
    }
  };
  await visit('');
  return makeIndex(entries);
}

/**
 * Makes `.builds/<digest>/` from an index unless it exists (same files: same build, reused). It is
 * assembled under a temporary name, made read-only, then renamed: a build dir is always complete.
 * `source` is the tree a stat-cached index came from, where a missing object can be found again.
 */
export function materializeBuild(store: Store, objects: ObjectStore, index: BuildIndex, source?: string): { reused: boolean } {
  const final = store.build(index.digest);
  if (existsSync(final)) return { reused: true };
  // Assembled beside its final name, not in .tmp: renaming a folder into another parent rewrites
  // its `..`, which needs write permission on the (by then read-only) folder, and only root has it.
  const temp = buildTemp(store, index.digest);
  removeTree(temp);
  mkdirSync(temp, { mode: 0o755 });
  const made = new Set<string>(['.']);
  for (const entry of index.entries) {
    const parent = dirname(entry.path);
    if (!made.has(parent)) {
      mkdirSync(join(temp, parent), { recursive: true, mode: 0o755 });
      made.add(parent);
    }
    const dest = join(temp, entry.path);
    if (entry.kind === 'symlink') symlinkSync(entry.ref, dest);
    else {
      const exec = entry.kind === 'exec';
      if (source !== undefined && !objects.has(entry.ref, exec)) restoreObject(objects, join(source, entry.path), entry.ref, exec);
      linkObject(objects.path(entry.ref, exec), dest);
    }
  }
  writeIndex(`${final}.index.json`, index);
  makeReadOnly(temp, true);
  try {
    renameSync(temp, final);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    // Another tf made the same build meanwhile: identical by construction.
    removeTree(temp);
    return { reused: true };
  }
  return { reused: false };
}

/** `.<digest>.tmp-PID` in .builds: swept as a dead tf's leftover, skipped by prune (a dot name). */
export function buildTemp(store: Store, digest: string): string {
  return join(store.builds, `.${digest}.tmp-${process.pid}`);
}

/** Stores a source file again whose object was pruned while the stat cache still knew its hash. */
function restoreObject(objects: ObjectStore, path: string, hash: string, exec: boolean): void {
  const stored = objects.ingestCopy(path, exec, lstatSync(path).size);
  if (stored !== hash) throw new TfError(`${path} changed while the release was being made`, 'run tf release create again');
}

function linkObject(object: string, dest: string): void {
  try {
    linkSync(object, dest);
  } catch (error) {
    // An inode has a link limit (65,000 on ext4): past it, this one file is a plain copy.
    if (errnoCode(error) !== 'EMLINK') throw error;
    copyFileSync(object, dest);
  }
}
