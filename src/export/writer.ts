import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errnoCode, TfError } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import type { ExportedFile } from './types.js';

export interface WriteResult {
  written: string[];
  removed: string[];
}

interface Manifest {
  app: string;
  files: string[];
}

export function manifestName(app: string): string {
  return `.tf-export-${app}.json`;
}

/**
 * Writes one app's export into OUTDIR. Everything is first written into a stage folder inside
 * OUTDIR (same file system), so a failure leaves OUTDIR as it was; then each file is renamed into
 * place, so no engine ever reads a half-written file. Files an earlier export of this app wrote
 * (its manifest) are replaced or removed; any other file in the way is an error, never overwritten.
 */
export function writeExport(outdir: string, app: string, files: ExportedFile[]): WriteResult {
  prepareOutdir(outdir);
  const manifestPath = join(outdir, manifestName(app));
  const previous = new Set(readManifest(manifestPath, app).files);
  for (const path of [...files.map((f) => f.path), ...previous]) refuseSymlinks(outdir, path);
  for (const file of files) {
    const target = join(outdir, file.path);
    if (!previous.has(file.path) && existsSync(target)) {
      throw new TfError(`${displayPath(target)} exists and was not written by tf export of ${app}`, 'move it away, or export into another folder');
    }
  }
  const stage = mkdtempSync(join(outdir, `.tf-export-${app}.stage-`));
  try {
    for (const file of files) {
      const path = join(stage, file.path);
      makeDirs(dirname(path));
      writeFileSync(path, file.content, { mode: file.mode });
      chmodSync(path, file.mode); // the umask must not loosen or tighten what the engine needs
    }
    const manifest: Manifest = { app, files: files.map((f) => f.path) };
    writeFileSync(join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const file of files) {
      makeDirs(dirname(join(outdir, file.path)));
      renameSync(join(stage, file.path), join(outdir, file.path));
    }
    const removed = removeStale(outdir, [...previous].filter((path) => !manifest.files.includes(path)), manifest.files);
    renameSync(join(stage, 'manifest.json'), manifestPath);
    return { written: manifest.files, removed };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * A symbolic link inside OUTDIR (a service directory, a drop-in folder, a file) would take tf's
 * files, or its removals, to wherever it points: outside OUTDIR, perhaps into another service.
 * tf never writes one, so one on the path is a file in the way. OUTDIR itself may be a link.
 */
function refuseSymlinks(outdir: string, path: string): void {
  let at = outdir;
  for (const part of path.split('/')) {
    at = join(at, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(at).isSymbolicLink();
    } catch {
      return; // nothing there yet: the rest of the path is tf's to create
    }
    if (isLink) throw new TfError(`${displayPath(at)} is a symbolic link in the export folder: tf export never writes through one`, 'move it away, or export into another folder');
  }
}

function prepareOutdir(outdir: string): void {
  try {
    makeDirs(outdir);
    if (!statSync(outdir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    // Probe by creating: as root, permission bits say nothing (a read-only mount still refuses).
    rmSync(mkdtempSync(join(outdir, '.tf-export-probe-')), { recursive: true });
  } catch (error) {
    const code = errnoCode(error);
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'is not a directory' : code === 'EACCES' || code === 'EPERM' ? 'is not writable (permission denied)' : code === 'EROFS' ? 'is on a read-only file system' : `cannot be written (${code ?? String(error)})`;
    throw new TfError(`${displayPath(outdir)}: export folder ${why}`, 'choose another OUTDIR, or fix its permissions');
  }
}

/** What the last export of APP into OUTDIR wrote (its manifest), or nothing. */
export function previousFiles(outdir: string, app: string): string[] {
  return readManifest(join(outdir, manifestName(app)), app).files;
}

function readManifest(path: string, app: string): Manifest {
  if (!existsSync(path)) return { app, files: [] };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    if (parsed.app === app && Array.isArray(parsed.files) && parsed.files.every((f) => typeof f === 'string' && !f.startsWith('/') && !f.split('/').includes('..'))) {
      return { app, files: parsed.files };
    }
  } catch {
    // fall through: an unreadable manifest is reported below
  }
  throw new TfError(`${displayPath(path)}: not a manifest of a tf export of ${app}`, 'remove it and the files of that export, then export again');
}

/**
 * Removes an earlier export's files that this one no longer writes. A service directory
 * (runit, s6) that this export no longer has goes as a whole: its supervise/ state is the
 * engine's record of a service that no longer exists.
 */
function removeStale(outdir: string, stale: string[], kept: string[]): string[] {
  const keptTops = new Set(kept.map(topFolder));
  const removed: string[] = [];
  for (const path of stale) {
    const top = topFolder(path);
    const whole = path.includes('/') && !keptTops.has(top);
    rmSync(join(outdir, whole ? top : path), { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

function topFolder(path: string): string {
  return path.split('/')[0]!;
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns when the file system
 * answers ENOENT for a folder it will not create (/proc).
 */
function makeDirs(path: string): void {
  if (existsSync(path)) return;
  const parent = dirname(path);
  if (parent !== path) makeDirs(parent);
  try {
    mkdirSync(path);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
}
