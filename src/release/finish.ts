import { renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellEnvironment, withVariables } from '../config/env.js';
import { parseProcfile, RELEASE_TYPE } from '../config/procfile.js';
import { envDigest, serializeEnv, type EnvSnapshot } from './env-snapshot.js';
import { fsyncDir, makeReadOnly, SECRET_MODE, writeFileAtomic } from './fs-util.js';
import type { Interruption } from './interrupt.js';
import { serializeManifest, type Manifest, type ReleaseKind } from './manifest.js';
import { sha256 } from './objects.js';
import { swapCurrent } from './pointer.js';
import { APP_LINK, ENV_FILE, MANIFEST, PROCFILE, RELEASE_LOG } from './releases.js';
import { STORE_FORMAT, type Store } from './store.js';
import type { Staging } from './staging.js';
import { withLock } from './lock.js';
import { withPhaseMarker } from './phase-marker.js';

/** Everything a release is made of, once its build exists. */
export interface ReleaseParts {
  kind: ReleaseKind;
  description: string;
  from: string | null;
  source: Manifest['source'];
  build: Manifest['build'];
  env: EnvSnapshot;
  procfile: string;
  /** Digests already known (a derived release reuses its base's), so they need not be hashed again. */
  digests?: { env?: string; procfile?: string };
}

export const RELEASE_PHASE_NAME = 'release.1';

/**
 * Completes a staged release: env snapshot (0600), Procfile, the link to its build, the release
 * phase, then release.yml with the outcome. The directory is made read-only and renamed to its ID,
 * so a listed release is always complete; only then does `current` move, and only if it is ok.
 */
export async function finishRelease(store: Store, staging: Staging, parts: ReleaseParts, interruption: Interruption, shellEnv: NodeJS.ProcessEnv): Promise<Manifest> {
  const dir = staging.dir;
  writeFileAtomic(join(dir, ENV_FILE), serializeEnv(parts.env), SECRET_MODE);
  writeFileAtomic(join(dir, PROCFILE), parts.procfile);
  // Relative, and at the same depth as vN/, so it stays valid through the rename.
  symlinkSync(join('..', '.builds', parts.build.digest), join(dir, APP_LINK));
  const releaseCommand = parseProcfile(parts.procfile, join(dir, PROCFILE)).types.find((t) => t.name === RELEASE_TYPE)?.command;
  let phaseStatus: number | undefined;
  if (releaseCommand !== undefined) {
    process.stdout.write(`tf: ${staging.id}: running the release phase: ${releaseCommand}\n`);
    const env = withVariables(withVariables(shellEnvironment(shellEnv), parts.env, `${staging.id}/${ENV_FILE}`), { PS: RELEASE_PHASE_NAME, DYNO: RELEASE_PHASE_NAME, TF_RELEASE: staging.id }, 'tf');
    // The runner pulls in the multiplexer and the supervisor's process handling: only when needed.
    const { runLogged } = await import('./logged-run.js');
    const warn = (text: string): boolean => process.stderr.write(`tf: ${text}\n`);
    phaseStatus = await withPhaseMarker(store, staging.id, warn, () =>
      runLogged({ name: 'release', command: releaseCommand, cwd: store.build(parts.build.digest), env, logPath: join(dir, RELEASE_LOG), interruption }),
    );
  } else {
    writeFileSync(join(dir, RELEASE_LOG), '', { mode: SECRET_MODE });
  }
  // The last moment a Ctrl-C can still cancel: let a pending signal be delivered before the rename.
  await interruption.checkpoint(true);
  const manifest: Manifest = {
    id: staging.id,
    seq: staging.seq,
    createdAt: new Date().toISOString(),
    status: phaseStatus === undefined || phaseStatus === 0 ? 'ok' : 'failed',
    kind: parts.kind,
    description: parts.description,
    from: parts.from,
    source: parts.source,
    build: parts.build,
    env: { digest: parts.digests?.env ?? envDigest(parts.env), keys: Object.keys(parts.env).length },
    procfile: { digest: parts.digests?.procfile ?? sha256(parts.procfile) },
    releasePhase: releaseCommand === undefined ? null : { command: releaseCommand, status: phaseStatus ?? 0 },
    storeFormat: STORE_FORMAT,
  };
  writeFileAtomic(join(dir, MANIFEST), serializeManifest(manifest));
  makeReadOnly(dir);
  fsyncDir(dir);
  renameSync(dir, store.release(staging.id));
  fsyncDir(store.dir);
  if (manifest.status === 'ok') await withLock(store, () => swapCurrent(store, staging.id));
  return manifest;
}
