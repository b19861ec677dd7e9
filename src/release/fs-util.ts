import { chmodSync, closeSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { errnoCode } from '../util/errors.js';

/** Owner-only: env snapshots hold secrets, and so may builds. */
export const DIR_MODE = 0o700;
export const SECRET_MODE = 0o600;

/** Writes a whole file under a temporary name, fsyncs it, then renames it into place. */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    // A full disk: no half-written file is left for a later sweep.
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** Makes a rename or a new entry in `dir` durable: without it a crash can forget the rename. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; durability is then theirs to give.
  }
}

/**
 * chmods a tree read-only bottom-up: files keep their x bits but lose every w bit, directories
 * become r-x. Symlinks have no mode of their own on Linux and are skipped. `dirsOnly` for builds,
 * whose files are objects that are read-only already.
 */
export function makeReadOnly(path: string, dirsOnly = false): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (!dirsOnly || entry.isDirectory()) makeReadOnly(join(path, entry.name), dirsOnly);
    }
    chmodSync(path, stat.mode & 0o555);
  } else {
    chmodSync(path, stat.mode & 0o555);
  }
}

/**
 * Renames a folder into another parent. The kernel then rewrites the folder's `..`, which needs
 * write permission on the folder itself: a read-only one (a release, a build) gets u+w first.
 * Only the owner may chmod, and tf only moves what it made.
 */
export function moveFolder(from: string, to: string): void {
  const mode = lstatSync(from).mode & 0o7777;
  if ((mode & 0o200) === 0) chmodSync(from, mode | 0o200);
  renameSync(from, to);
}

/**
 * Removes a tree tf made read-only. Root ignores the modes, anyone else needs each directory
 * writable again before its entries can go; files themselves may stay read-only.
 */
export function removeTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
    return;
  } catch (error) {
    if (errnoCode(error) !== 'EACCES' && errnoCode(error) !== 'EPERM') throw error;
  }
  makeDirsWritable(path);
  rmSync(path, { recursive: true, force: true });
}

function makeDirsWritable(path: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return;
  chmodSync(path, 0o700);
  for (const name of readdirSync(path)) makeDirsWritable(join(path, name));
}

/**
 * Flushes the filesystem holding `path` (syncfs, through `sync -f`): new objects are written
 * without an fsync each, which would cost one disk round trip per file, and one flush before the
 * release is renamed into place makes sure a crash cannot list a release whose files never reached
 * the disk. Where `sync -f` is missing, a plain `sync`.
 */
export function flushFileSystem(path: string): void {
  const result = spawnSync('sync', ['-f', path], { stdio: 'ignore' });
  if (result.error || result.status !== 0) spawnSync('sync', [], { stdio: 'ignore' });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errnoCode(error) === 'EPERM';
  }
}
