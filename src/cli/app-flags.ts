import { loadApp, type App, type AppOptions } from '../config/app.js';
import { TfError } from '../util/errors.js';
import type { FormationRequest } from '../formation/plan.js';
import type { InUseMark } from '../release/in-use.js';
import type { AppFlags, FormationFlags, ReleaseFlags } from './options.js';

export function appOptions(flags: AppFlags): AppOptions {
  return { procfile: flags.procfile, root: flags.root, envFiles: flags.envFile, shellEnv: process.env, warn: warnUser };
}

/** A warning about the user's input: one line on stderr; the command goes on. */
export function warnUser(message: string): void {
  process.stderr.write(`tf: warning: ${message}\n`);
}

/** The working tree's app, or with --release a release's (loaded lazily: the plain path pays nothing). */
export async function loadAppFor(flags: ReleaseFlags): Promise<App> {
  return (await loadMarkedApp(flags)).app;
}

/**
 * loadAppFor, with the record that this tf runs the release (absent for the working tree). With
 * FOLLOWS, the record says this tf rolls onto each new current release.
 */
export async function loadMarkedApp(flags: ReleaseFlags, follows = false): Promise<{ app: App; mark?: InUseMark }> {
  if (flags.release === undefined) return { app: await loadApp(appOptions(flags)) };
  refuseEnvFiles(flags);
  const { loadReleaseApp } = require('../release/load.js') as typeof import('../release/load.js');
  const { locateStore } = require('../release/store.js') as typeof import('../release/store.js');
  return loadReleaseApp(locateStore(flags), flags.release === true ? undefined : flags.release, process.env, follows);
}

/** What tf check checks: the working tree's app, or with --release a release's, not marked in use. */
export async function loadAppToCheck(flags: ReleaseFlags): Promise<App> {
  if (flags.release === undefined) return loadApp(appOptions(flags));
  refuseEnvFiles(flags);
  const { inspectReleaseApp } = require('../release/load.js') as typeof import('../release/load.js');
  const { locateStore } = require('../release/store.js') as typeof import('../release/store.js');
  return inspectReleaseApp(locateStore(flags), flags.release === true ? undefined : flags.release, process.env);
}

function refuseEnvFiles(flags: ReleaseFlags): void {
  if (flags.envFile?.length) throw new TfError('-e/--env-file cannot be used with --release: a release runs with its own env snapshot', 'change it with tf config set, or drop --release');
}

/** The positional formation items and the formation flags, as the planner takes them. */
export function formationRequest(items: string[], flags: FormationFlags): FormationRequest {
  return { items: [...items, ...(flags.formation ?? [])], port: flags.port, timeout: flags.timeout, restart: flags.restart };
}
