import { resolve } from 'node:path';
import type { App } from '../config/app.js';
import { SETTINGS_FILE } from '../config/app.js';
import { planRun, type FormationRequest } from '../formation/plan.js';
import { runnableTypes } from '../config/procfile.js';
import type { Multiplexer } from '../output/multiplexer.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { TfError } from '../util/errors.js';
import { parseDuration } from '../config/duration.js';
import { DEFAULT_DEBOUNCE_MS, watchApp, type WatchConfig } from '../control/watch.js';
import { storeDir, type StoreLocation } from '../release/store.js';

/** What the watcher needs to know of an app (and again after each reload). */
function watchConfig(app: App): WatchConfig {
  const types = runnableTypes(app.procfile).map((t) => t.name);
  // `watch: false` is an empty list: globs that claim nothing, so no change restarts the type.
  const typeGlobs = new Map(types.flatMap((t) => (app.settings.types.get(t)?.watch ? [[t, app.settings.types.get(t)!.watch!] as const] : [])));
  return { types, typeGlobs, configFiles: [app.procfile.path, resolve(app.root, SETTINGS_FILE), ...app.envFiles.map((f) => f.path)] };
}

export interface WatchSetup {
  app: App;
  /** Loads the app again from the same flags. */
  reloadApp(): Promise<App>;
  request: FormationRequest;
  /** The release store, never watched: creating a release must not restart the app. */
  store: StoreLocation;
  globs: string[];
  supervisor: Supervisor;
  output: Multiplexer;
  /** Further paths (files or folders) never watched: the control socket. */
  ignore: string[];
}

/**
 * `tf start --watch`: restarts the affected types on a change; a changed Procfile, env file or
 * tf.yml restarts the new formation, and an invalid one keeps the old processes, saying why.
 */
export function startWatching(setup: WatchSetup): Promise<{ close(): Promise<void> }> {
  const say = (text: string): void => setup.output.system(text);
  return watchApp({
    ...watchConfig(setup.app),
    root: setup.app.root,
    globs: setup.globs,
    ignore: [...setup.ignore, storeDir(setup.store)],
    debounceMs: quietPeriod(say),
    startedAt: (type) => latestStart(setup.supervisor, type),
    say,
    restart: async (types) => {
      const { failed } = await setup.supervisor.restart(types);
      for (const { name, why } of failed) say(`${name} did not come back up: ${why}`);
    },
    reload: async () => {
      try {
        const app = await setup.reloadApp();
        const { specs, specFor, types } = planRun(app, setup.request);
        await setup.supervisor.reload(specs, specFor, types);
        return watchConfig(app);
      } catch (error) {
        if (!(error instanceof TfError)) throw error;
        say(`config not reloaded, the old processes keep running: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
        return undefined;
      }
    },
  });
}

/** When the latest running instance of TYPE started, on the Date.now clock. */
function latestStart(supervisor: Supervisor, type: string): number | undefined {
  const uptimes = supervisor.processes().flatMap((p) => (p.type === type && p.uptimeMs !== null ? [p.uptimeMs] : []));
  return uptimes.length > 0 ? Date.now() - Math.min(...uptimes) : undefined;
}

/**
 * TF_WATCH_DEBOUNCE (e.g. 1s): how long changes must pause before tf acts on them. The processes
 * already run when watching starts, so a bad value is said and the default used, not fatal.
 */
function quietPeriod(say: (text: string) => void): number | undefined {
  const raw = process.env.TF_WATCH_DEBOUNCE;
  if (raw === undefined || raw === '') return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined) say(`watch: TF_WATCH_DEBOUNCE="${raw}" is not a duration (write e.g. 500ms or 2s); using ${DEFAULT_DEBOUNCE_MS}ms`);
  return ms;
}
