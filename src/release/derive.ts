import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvSnapshot } from './env-snapshot.js';
import { finishRelease } from './finish.js';
import { removeTree } from './fs-util.js';
import { Interruption } from './interrupt.js';
import type { Manifest, ReleaseKind } from './manifest.js';
import { PROCFILE, readEnvSnapshot } from './releases.js';
import { reserveStaging } from './staging.js';
import type { Store } from './store.js';

export interface Derivation {
  store: Store;
  /** The release whose build (and Procfile, and source) the new one reuses. */
  base: Manifest;
  kind: ReleaseKind;
  description: string;
  /** The new release's env; absent, the base's (a rollback), whose recorded digest then holds too. */
  env?: EnvSnapshot;
  shellEnv: NodeJS.ProcessEnv;
}

/**
 * A new release that reuses an existing build: a rollback (the base's env too) or a config change
 * (a changed env). Nothing is copied or hashed, only a few small files are written, so it is as
 * fast for a 200 MB app as for an empty one. History stays append-only: vN+1, never a rewrite.
 */
export async function deriveRelease(d: Derivation): Promise<Manifest> {
  const interruption = new Interruption();
  const staging = await reserveStaging(d.store);
  try {
    return await finishRelease(
      d.store,
      staging,
      {
        kind: d.kind,
        description: d.description,
        from: d.base.id,
        source: d.base.source,
        build: d.base.build,
        env: d.env ?? readEnvSnapshot(d.store, d.base.id),
        procfile: readFileSync(join(d.store.release(d.base.id), PROCFILE), 'utf8'),
        // The Procfile is always the base's; so is the env when none was given.
        digests: { procfile: d.base.procfile.digest, env: d.env === undefined ? d.base.env.digest : undefined },
      },
      interruption,
      d.shellEnv,
    );
  } finally {
    removeTree(staging.dir);
    interruption.dispose();
  }
}
