import { parseReleaseId } from '../release/ids.js';
import { rollbackRelease } from '../release/rollback.js';
import type { StoreFlags } from './options.js';
import { announce, openFor } from './release-common.js';

/** `tf release rollback [ID]`: Heroku's semantics, a new release copying an old one's build and env. */
export async function rollback(id: string | undefined, flags: StoreFlags): Promise<number> {
  const store = openFor(flags);
  const requested = id === undefined ? undefined : parseReleaseId(id);
  const { manifest, previous, target } = await rollbackRelease(store, requested, process.env);
  return announce(store, manifest, previous, `the build and env of ${target.id}`);
}
