import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildDigest, compareEntries, readIndex, type IndexEntry } from './build-index.js';
import { envDigest } from './env-snapshot.js';
import { hashFile, sha256 } from './objects.js';
import { APP_LINK, BUILD_LOG, ENV_FILE, MANIFEST, PROCFILE, readEnvSnapshot, readManifest, RELEASE_LOG } from './releases.js';
import type { Store } from './store.js';

const RELEASE_FILES = new Set([MANIFEST, ENV_FILE, PROCFILE, APP_LINK, RELEASE_LOG, BUILD_LOG]);

export interface Verification {
  id: string;
  files: number;
  /** One line a problem, naming the file: "changed: app/server.js". Empty when intact. */
  problems: string[];
}

/** A build's check: its index against its digest, and every file against its index. */
export interface BuildCheck {
  files: number;
  problems: string[];
}

/**
 * Recomputes everything a release's manifest vouches for: the env snapshot, the Procfile, the link
 * to its build, the build's index and every file of the build, hashed again from disk. Releases
 * made by rollback or tf config share their base's build: pass one `builds` map to check each
 * build once when verifying several releases.
 */
export function verifyRelease(store: Store, id: string, builds = new Map<string, BuildCheck>()): Verification {
  const manifest = readManifest(store, id);
  const problems: string[] = [];
  const dir = store.release(id);
  if (isWritable(dir)) problems.push(`writable: ${id}/`);
  for (const name of readdirSync(dir)) {
    if (!RELEASE_FILES.has(name)) problems.push(`added: ${id}/${name}`);
    else if (isWritable(join(dir, name))) problems.push(`writable: ${id}/${name}`);
  }
  if (envDigest(readEnvSnapshot(store, id)) !== manifest.env.digest) problems.push(`changed: ${id}/${ENV_FILE}`);
  if (sha256(readFileSync(join(dir, PROCFILE), 'utf8')) !== manifest.procfile.digest) problems.push(`changed: ${id}/${PROCFILE}`);
  const expectedLink = join('..', '.builds', manifest.build.digest);
  const link = lstatSync(join(dir, APP_LINK), { throwIfNoEntry: false })?.isSymbolicLink() ? readlinkSync(join(dir, APP_LINK)) : undefined;
  if (link !== expectedLink) problems.push(`changed: ${id}/${APP_LINK} points to ${link ?? 'nothing'}, not ${expectedLink}`);
  let build = builds.get(manifest.build.digest);
  if (build === undefined) builds.set(manifest.build.digest, (build = checkBuild(store, manifest.build.digest)));
  return { id, files: build.files, problems: [...problems, ...build.problems] };
}

function checkBuild(store: Store, digest: string): BuildCheck {
  const build = store.build(digest);
  const indexPath = `${build}.index.json`;
  if (!existsSync(build) || !existsSync(indexPath)) {
    return { files: 0, problems: [`removed: the build ${digest.slice(0, 12)} (${existsSync(build) ? 'its index' : 'its files'})`] };
  }
  const problems: string[] = [];
  const index = readIndex(indexPath);
  if (index.digest !== digest || buildDigest(index.entries) !== digest) problems.push(`changed: the index of build ${digest.slice(0, 12)}`);
  const writable: string[] = [];
  const actual = scanBuild(build, writable);
  const changes = compareEntries(index.entries, actual);
  for (const [what, paths] of [['added', changes.added], ['removed', changes.removed], ['changed', changes.changed], ['writable', writable.sort()]] as const) {
    for (const path of paths) problems.push(`${what}: ${APP_LINK}/${path}`);
  }
  return { files: actual.length, problems };
}

/**
 * The build as it is on disk now, every file hashed again (no cache: this is the check). Folders
 * and files that have a w bit again are added to `writable`: tf made them read-only, and for a
 * process running as the store's owner that mode is all that stands between it and the build.
 */
function scanBuild(root: string, writable: string[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  const visit = (dir: string): void => {
    if (isWritable(join(root, dir))) writable.push(`${dir}/`.replace(/^\/$/, ''));
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      const abs = join(root, path);
      if (entry.isDirectory()) visit(path);
      else if (entry.isSymbolicLink()) out.push({ path, kind: 'symlink', ref: readlinkSync(abs) });
      else {
        const mode = lstatSync(abs).mode;
        if ((mode & 0o222) !== 0) writable.push(path);
        out.push({ path, kind: (mode & 0o111) !== 0 ? 'exec' : 'file', ref: entry.isFile() ? hashFile(abs) : 'not a file' });
      }
    }
  };
  visit('');
  return out;
}

/** Has a w bit (symlinks have no mode of their own and never count). */
function isWritable(path: string): boolean {
  const stat = lstatSync(path);
  return !stat.isSymbolicLink() && (stat.mode & 0o222) !== 0;
}
