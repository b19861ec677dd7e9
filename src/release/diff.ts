import { compareEntries, readIndex, type IndexChanges } from './build-index.js';
import { compareEnv, type EnvChanges } from './env-snapshot.js';
import { readEnvSnapshot, readManifest } from './releases.js';
import type { Store } from './store.js';

export interface ReleaseDiff {
  env: EnvChanges;
  files: IndexChanges;
  procfileChanged: boolean;
  buildCommand?: { from: string | null; to: string | null };
}

/** What changed from release `a` to release `b`: env keys, build files, Procfile, build command. */
export function diffReleases(store: Store, a: string, b: string): ReleaseDiff {
  const [ma, mb] = [readManifest(store, a), readManifest(store, b)];
  const files = ma.build.digest === mb.build.digest
    ? { added: [], removed: [], changed: [] }
    : compareEntries(readIndex(`${store.build(ma.build.digest)}.index.json`).entries, readIndex(`${store.build(mb.build.digest)}.index.json`).entries);
  return {
    env: compareEnv(readEnvSnapshot(store, a), readEnvSnapshot(store, b)),
    files,
    procfileChanged: ma.procfile.digest !== mb.procfile.digest,
    ...(ma.build.command !== mb.build.command ? { buildCommand: { from: ma.build.command, to: mb.build.command } } : {}),
  };
}
