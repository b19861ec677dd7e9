import { join } from 'node:path';
import { loadSettings, type App } from '../config/app.js';
import { shellEnvironment, withVariables } from '../config/env.js';
import { readProcfile } from '../config/procfile.js';
import { TfError } from '../util/errors.js';
import { markInUse, type InUseMark } from './in-use.js';
import { APP_LINK, ENV_FILE, PROCFILE, readEnvSnapshot, readManifest, resolveRelease } from './releases.js';
import { openStore, storeDir, type Store, type StoreLocation } from './store.js';

/**
 * The App that `tf start --release ID` and `tf run --release ID` run: the release's build as the
 * root, its Procfile and tf.yml, and the environment shell < env snapshot < TF_RELEASE (tf's
 * per-process variables go on top later, as for any app). The ID is resolved once, here. The
 * release is marked in use until this process exits, so prune keeps it; FOLLOWS records that this
 * tf rolls onto each new current release (tf start --release without an ID).
 */
export async function loadReleaseApp(location: StoreLocation, release: string | undefined, shellEnv: NodeJS.ProcessEnv, follows = false): Promise<{ app: App; mark: InUseMark }> {
  const store = openStore(storeDir(location, shellEnv));
  const app = releaseApp(store, resolveRelease(store, release), shellEnv);
  return { app, mark: markInUse(store, app.release!, follows) };
}

/** tf check --release: the App tf start --release would run, not marked in use (nothing runs it). */
export function inspectReleaseApp(location: StoreLocation, release: string | undefined, shellEnv: NodeJS.ProcessEnv): App {
  const store = openStore(storeDir(location, shellEnv));
  return releaseApp(store, resolveRelease(store, release), shellEnv);
}

/** Release ID of STORE as an App, without marking it in use (a follow roll, tf check --release). */
export function releaseApp(store: Store, id: string, shellEnv: NodeJS.ProcessEnv): App {
  const manifest = readManifest(store, id);
  if (manifest.status !== 'ok') throw new TfError(`${id} failed its release phase and cannot be run`, 'see its output in tf release show; run an ok release');
  const root = join(store.release(id), APP_LINK);
  const environment = withVariables(withVariables(shellEnvironment(shellEnv), readEnvSnapshot(store, id), `${id}/${ENV_FILE}`), { TF_RELEASE: id }, 'tf');
  return { root, procfile: readProcfile(join(store.release(id), PROCFILE)), envFiles: [], settings: loadSettings(root), environment, release: id };
}
