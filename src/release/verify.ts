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
  for (const name of readdirSync(dir)) if (!RELEASE_FILES.has(name)) problems.push(`added: ${id}/${name}`);
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
  const actual = scanBuild(build);
  const changes = compareEntries(index.entries, actual);
  for (const [what, paths] of [['added', changes.added], ['removed', changes.removed], ['changed', changes.changed]] as const) {
    for (const path of paths) problems.push(`${what}: ${APP_LINK}/${path}`);
  }
  return { files: actual.length, problems };
}

/** The build as it is on disk now, every file hashed again (no cache: this is the check). */
function scanBuild(root: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      const abs = join(root, path);
      if (entry.isDirectory()) visit(path);
      else if (entry.isSymbolicLink()) out.push({ path, kind: 'symlink', ref: readlinkSync(abs) });
      else out.push({ path, kind: (lstatSync(abs).mode & 0o111) !== 0 ? 'exec' : 'file', ref: entry.isFile() ? hashFile(abs) : 'not a file' });
    }
  };
  visit('');
  return out;
}
