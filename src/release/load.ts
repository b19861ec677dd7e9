import { join } from 'node:path';
import { loadSettings, type App } from '../config/app.js';
import { shellEnvironment, withVariables } from '../config/env.js';
import { readProcfile } from '../config/procfile.js';
import { TfError } from '../util/errors.js';
import { markInUse } from './in-use.js';
import { APP_LINK, ENV_FILE, PROCFILE, readEnvSnapshot, readManifest, resolveRelease } from './releases.js';
import { openStore, storeDir, type StoreLocation } from './store.js';

/**
 * The App that `tf start --release ID` and `tf run --release ID` run: the release's build as the
 * root, its Procfile and tf.yml, and the environment shell < env snapshot < TF_RELEASE (tf's
 * per-process variables go on top later, as for any app). The ID is resolved once, here: a
 * rollback while the supervisor runs changes nothing for it. The release is marked in use until
 * this process exits, so prune keeps it.
 */
export async function loadReleaseApp(location: StoreLocation, release: string | undefined, shellEnv: NodeJS.ProcessEnv): Promise<App> {
  const store = openStore(storeDir(location, shellEnv));
  const id = resolveRelease(store, release);
  const manifest = readManifest(store, id);
  if (manifest.status !== 'ok') throw new TfError(`${id} failed its release phase and cannot be run`, 'see its output in tf release show; run an ok release');
  const root = join(store.release(id), APP_LINK);
  markInUse(store, id);
  const environment = withVariables(withVariables(shellEnvironment(shellEnv), readEnvSnapshot(store, id), `${id}/${ENV_FILE}`), { TF_RELEASE: id }, 'tf');
  return { root, procfile: readProcfile(join(store.release(id), PROCFILE)), envFiles: [], settings: loadSettings(root), environment };
}
