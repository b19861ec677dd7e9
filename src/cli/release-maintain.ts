import { prune as pruneStore } from '../release/prune.js';
import { resolveRelease } from '../release/releases.js';
import { verifyRelease, type BuildCheck } from '../release/verify.js';
import { TfError } from '../util/errors.js';
import type { StoreFlags } from './options.js';
import { openFor } from './release-common.js';

// verify and prune: kept apart from release.ts so that a rollback loads only what it needs.

export interface VerifyFlags extends StoreFlags {
  all?: boolean;
}

/** `tf release verify [ID]`: exit 1 when anything differs from what the manifest recorded. */
export async function verify(id: string | undefined, flags: VerifyFlags): Promise<number> {
  const store = openFor(flags);
  const ids = flags.all ? store.listIds() : [resolveRelease(store, id)];
  let bad = 0;
  const builds = new Map<string, BuildCheck>();
  for (const each of ids) {
    const result = verifyRelease(store, each, builds);
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
  for (const [id, why] of Object.entries(result.protectedWhy)) process.stdout.write(`tf: kept ${id} beyond --keep ${keep}: ${why}\n`);
  if (result.skippedObjects) process.stdout.write(`tf: builds and files were not collected: ${result.skippedObjects}; prune again later\n`);
  else process.stdout.write(`tf: freed ${result.builds} builds and ${result.objects} files (${(result.bytes / 1024 / 1024).toFixed(1)} MiB)\n`);
  return 0;
}
