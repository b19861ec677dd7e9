import { join } from 'node:path';
import { deriveRelease } from '../release/derive.js';
import { rollbackTarget } from '../release/history.js';
import type { Manifest } from '../release/manifest.js';
import { readCurrent } from '../release/pointer.js';
import { prune as pruneStore } from '../release/prune.js';
import { readAll, readEnvSnapshot, RELEASE_LOG, resolveRelease } from '../release/releases.js';
import { openStore, storeDir, type Store } from '../release/store.js';
import { verifyRelease } from '../release/verify.js';
import { parseReleaseId } from '../release/ids.js';
import { TfError } from '../util/errors.js';
import { displayPath } from '../util/fs.js';
import { storeLocation, type StoreFlags } from './options.js';

export function openFor(flags: StoreFlags): Store {
  return openStore(storeDir(storeLocation(flags)));
}

/** Reports a new release; a failed release phase is an error naming the release and its log. */
export function announce(store: Store, manifest: Manifest, previous: string | undefined, detail: string): number {
  if (manifest.status === 'failed') {
    const log = displayPath(join(store.release(manifest.id), RELEASE_LOG));
    const still = previous ? `current still points to ${previous}` : 'no release is current';
    throw new TfError(`${manifest.id}: the release phase failed (exit status ${manifest.releasePhase?.status}); ${manifest.id} is kept as failed and ${still}`, `its output is in ${log}`);
  }
  process.stdout.write(`tf: ${manifest.id} created${manifest.description ? ` (${manifest.description})` : ''}: ${detail}; current -> ${manifest.id}\n`);
  return 0;
}

/** `tf release rollback [ID]`: Heroku's semantics, a new release copying an old one's build and env. */
export async function rollback(id: string | undefined, flags: StoreFlags): Promise<number> {
  const store = openFor(flags);
  const requested = id === undefined ? undefined : parseReleaseId(id);
  // A named target needs no current release: it is how a broken `current` gets repaired.
  const current = requested === undefined ? readCurrent(store) : currentOrNothing(store);
  const target = rollbackTarget(readAll(store), current, requested);
  const manifest = await deriveRelease({ store, base: target, kind: 'rollback', description: `Rollback to ${target.id}`, env: readEnvSnapshot(store, target.id), shellEnv: process.env });
  return announce(store, manifest, current, `the build and env of ${target.id}`);
}

function currentOrNothing(store: Store): string | undefined {
  try {
    return readCurrent(store);
  } catch {
    return undefined;
  }
}

export interface VerifyFlags extends StoreFlags {
  all?: boolean;
}

/** `tf release verify [ID]`: exit 1 when anything differs from what the manifest recorded. */
export async function verify(id: string | undefined, flags: VerifyFlags): Promise<number> {
  const store = openFor(flags);
  const ids = flags.all ? store.listIds() : [resolveRelease(store, id)];
  let bad = 0;
  for (const each of ids) {
    const result = verifyRelease(store, each);
    if (result.problems.length === 0) {
      process.stdout.write(`${each}: ok (${result.files} files match the manifest)\n`);
      continue;
    }
    bad++;
    process.stdout.write(`${each}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}\n${result.problems.map((p) => `  ${p}\n`).join('')}`);
  }
  if (bad > 0) throw new TfError(`${bad} release${bad === 1 ? '' : 's'} differ${bad === 1 ? 's' : ''} from ${bad === 1 ? 'its' : 'their'} manifest`, 'a release was changed after tf made it; create a new one');
  return 0;
}

export interface PruneFlags extends StoreFlags {
  keep: string;
}

export async function prune(flags: PruneFlags): Promise<number> {
  const keep = /^[0-9]+$/.test(flags.keep) ? Number(flags.keep) : NaN;
  if (!Number.isSafeInteger(keep)) throw new TfError(`--keep: "${flags.keep}" is not a count`, 'use a whole number, e.g. --keep 5');
  const store = openFor(flags);
  const result = await pruneStore(store, keep);
  const removed = result.removed.length ? result.removed.join(', ') : 'nothing';
  process.stdout.write(`tf: removed ${removed}; kept ${result.kept.join(', ') || 'nothing'}\n`);
  if (result.skippedObjects) process.stdout.write(`tf: builds and files were not collected: ${result.skippedObjects}; prune again later\n`);
  else process.stdout.write(`tf: freed ${result.builds} builds and ${result.objects} files (${(result.bytes / 1024 / 1024).toFixed(1)} MiB)\n`);
  return 0;
}
