import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadApp, type App, type AppOptions } from '../config/app.js';
import type { StoreLocation } from '../release/store.js';
import { TfError } from '../util/errors.js';

/** The flags every command that reads an app shares, as foreman spells them. */
export interface AppFlags {
  procfile?: string;
  root?: string;
  env?: string[];
}

export function addAppOptions(command: Command): Command {
  // Each flag can also come from the environment (factor III), for wrappers and CI.
  return command
    .addOption(new Option('-f, --procfile <file>', 'the Procfile (default: ./Procfile, or ROOT/Procfile with -d)').env('TF_PROCFILE'))
    .addOption(new Option('-d, --root <dir>', "the app's root directory (default: the Procfile's folder)").env('TF_ROOT'))
    .addOption(new Option('-e, --env <file>', 'an env file to load; repeat it or use a comma list (default: ROOT/.env)').argParser(collect).env('TF_ENV_FILES'));
}

export function addPortOption(command: Command): Command {
  return command.option('-p, --port <port>', 'base port: web.1 gets it, each type a block of 100 (default: $PORT or 5000)');
}

/** How a formation runs: the flags start, check and export share. */
export function addFormationOptions(command: Command): Command {
  return command
    .option('-m, --formation <items>', "foreman's formation syntax, e.g. web=2,worker=3", collect)
    .option('-t, --timeout <seconds>', 'drain time after the stop signal before SIGKILL, for types tf.yml does not set (default 5)')
    .option('-r, --restart <types>', 'restart these types with backoff when they exit (comma list)', collect);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function appOptions(flags: AppFlags): AppOptions {
  return { procfile: flags.procfile, root: flags.root, envFiles: flags.env, shellEnv: process.env };
}

/** Where the release store is: --releases-dir (or TF_RELEASES_DIR) wins over ROOT/releases. */
export interface StoreFlags {
  root?: string;
  procfile?: string;
  releasesDir?: string;
}

export function addStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('-d, --root <dir>', "the app's root directory (default: the Procfile's folder, or .)").env('TF_ROOT'))
    .addOption(new Option('-f, --procfile <file>', 'the Procfile, whose folder is the root unless -d says otherwise').env('TF_PROCFILE'))
    .option('--releases-dir <dir>', 'the release store (default: $TF_RELEASES_DIR, else ROOT/releases)');
}

export function storeLocation(flags: StoreFlags): StoreLocation {
  const root = flags.root ?? (flags.procfile ? dirname(resolve(flags.procfile)) : process.cwd());
  return { root: resolve(root), ...(flags.releasesDir ? { releasesDir: flags.releasesDir } : {}) };
}

export interface ReleaseFlags extends AppFlags {
  /** --release alone is true: the current release. */
  release?: string | true;
  releasesDir?: string;
}

export function addReleaseOption(command: Command): Command {
  return command
    .option('--release [id]', 'run a release from the store (default: the current one) instead of the working tree')
    .option('--releases-dir <dir>', 'the release store, with --release (default: $TF_RELEASES_DIR, else ROOT/releases)');
}

/** The working tree's app, or with --release a release's (loaded lazily: the plain path pays nothing). */
export async function loadAppFor(flags: ReleaseFlags): Promise<App> {
  if (flags.release === undefined) return loadApp(appOptions(flags));
  if (flags.env?.length) throw new TfError('-e/--env cannot be used with --release: a release runs with its own env snapshot', 'change it with tf config set, or drop --release');
  const { loadReleaseApp } = await import('../release/load.js');
  return loadReleaseApp(storeLocation(flags), flags.release === true ? undefined : flags.release, process.env);
}
