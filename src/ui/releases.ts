import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvSnapshot, readAll, RELEASE_LOG, resolveRelease } from '../release/releases.js';
import { readCurrent } from '../release/pointer.js';
import { inUseIds } from '../release/in-use.js';
import { diffReleases } from '../release/diff.js';
import { rollbackRelease } from '../release/rollback.js';
import { parseReleaseId } from '../release/ids.js';
import { openStore, storeDir, type Store, type StoreLocation } from '../release/store.js';
import { TfError } from '../util/errors.js';

/** The releases page: the same store and the same reads as `tf release list`, `diff` and `rollback`. */
export class ReleaseViews {
  constructor(private readonly location: StoreLocation) {}

  /** Whether a store exists (the page shows its releases tab only then). */
  exists(): boolean {
    return existsSync(join(storeDir(this.location), '.tf-store.json'));
  }

  list(): { releases: unknown[] } {
    if (!this.exists()) return { releases: [] };
    const store = this.store();
    const current = currentOf(store);
    const used = inUseIds(store);
    const releases = readAll(store)
      .reverse()
      .map((m) => ({ id: m.id, createdAt: m.createdAt, kind: m.kind, description: m.description, status: m.status, current: m.id === current, inUse: used.has(m.id) }));
    return { releases };
  }

  /** Which env keys and files differ: never a value. */
  diff(from: string | null, to: string | null): { env: Array<{ key: string; change: string }>; files: Array<{ path: string; change: string }> } {
    const store = this.store();
    const [a, b] = [needed(from, 'from'), needed(to, 'to')].map((id) => resolveRelease(store, id)) as [string, string];
    const d = diffReleases(store, a, b);
    const keys = new Set([...Object.keys(readEnvSnapshot(store, a)), ...Object.keys(readEnvSnapshot(store, b))]);
    const changeOf = (key: string): string => (d.env.added.includes(key) ? 'added' : d.env.removed.includes(key) ? 'removed' : d.env.changed.includes(key) ? 'changed' : 'same');
    const env = [...keys].sort().map((key) => ({ key, change: changeOf(key) }));
    const files = [
      ...d.files.added.map((path) => ({ path, change: 'added' })),
      ...d.files.removed.map((path) => ({ path, change: 'removed' })),
      ...d.files.changed.map((path) => ({ path, change: 'changed' })),
    ].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    return { env, files };
  }

  /** One value, when the user clicks to reveal it. */
  value(release: string | null, key: string | null): { value: string } {
    const store = this.store();
    const id = resolveRelease(store, needed(release, 'release'));
    const env = readEnvSnapshot(store, id);
    const name = needed(key, 'key');
    if (!Object.hasOwn(env, name)) throw new NotFound(`${id} has no variable ${name}`, 'see the diff for the keys it has');
    return { value: env[name]! };
  }

  async rollback(release: unknown): Promise<{ id: string; from: string; previous: string | null }> {
    if (release !== undefined && typeof release !== 'string') throw new TfError('release must be a release ID like v3', 'send {"release":"v3"}');
    const store = this.store();
    const { manifest, previous, target } = await rollbackRelease(store, release === undefined ? undefined : parseReleaseId(release), process.env);
    if (manifest.status === 'failed') throw new TfError(`${manifest.id}: the release phase failed (exit status ${manifest.releasePhase?.status})`, `its output is in ${join(store.release(manifest.id), RELEASE_LOG)}`);
    return { id: manifest.id, from: target.id, previous: previous ?? null };
  }

  private store(): Store {
    return openStore(storeDir(this.location));
  }
}

/** A 404 rather than a 400: the request was well formed, the thing is not there. */
export class NotFound extends TfError {}

function needed(value: string | null, name: string): string {
  if (value === null || value === '') throw new TfError(`${name} is missing`, `add ?${name}=...`);
  return value;
}

function currentOf(store: Store): string | undefined {
  try {
    return readCurrent(store);
  } catch {
    return undefined;
  }
}
