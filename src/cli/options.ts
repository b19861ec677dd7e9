import { Option, type Command } from './commander.js';

/**
 * The flags commands share, as commander declarations only: main.ts loads this module for every
 * command, even --version, so what turns flags into an app lives in app-flags.ts.
 */

/** A command's module, required only when that command runs; resolves with the exit status. */
export type Action = (...args: never[]) => Promise<number>;
export type Lazy = (load: () => Action) => (...args: unknown[]) => Promise<void>;
/** Declares top-level commands on the program. */
export type Declare = (tf: Command, lazy: Lazy) => void;

/** The flags every command that reads an app shares, as foreman spells them. */
export interface AppFlags {
  procfile?: string;
  root?: string;
  /** -e/--env-file: the one meaning of -e in every command. */
  envFile?: string[];
}

export function addAppOptions(command: Command): Command {
  // Each flag can also come from the environment (factor III), for wrappers and CI.
  return command
    .addOption(new Option('-f, --procfile <file>', 'the Procfile (default: ROOT/Procfile)').env('TF_PROCFILE'))
    .addOption(new Option('-d, --root <dir>', "the app's root directory (default: the folder of -f, else the nearest folder upwards with a Procfile)").env('TF_ROOT'))
    .addOption(envFileOption('an env file to load; repeat it or use a comma list (default: ROOT/.env)'));
}

/** -e/--env-file: an env file in every command that reads one (--env is release create's KEY=VALUE). */
export function envFileOption(description: string): Option {
  return new Option('-e, --env-file <file>', description).argParser(collect).env('TF_ENV_FILES');
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

/** What addFormationOptions (with addPortOption) declares. */
export interface FormationFlags {
  port?: string;
  timeout?: string;
  formation?: string[];
  restart?: string[];
}

/** Commander's accumulator for a repeatable flag. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Where the release store is: --releases-dir (or TF_RELEASES_DIR) wins over ROOT/releases. */
export interface StoreFlags {
  root?: string;
  procfile?: string;
  releasesDir?: string;
}

/** Commands that only need the app's root (the release store, the control socket) find it so. */
export function addRootOptions(command: Command): Command {
  return command
    .addOption(new Option('-d, --root <dir>', "the app's root directory (default: the folder of -f, else the nearest folder upwards with a Procfile)").env('TF_ROOT'))
    .addOption(new Option('-f, --procfile <file>', 'the Procfile, whose folder is the root unless -d says otherwise').env('TF_PROCFILE'));
}

/** Where tf start listens and the control commands connect: one flag, one default. */
export function addControlSocketOption(command: Command): Command {
  return command.addOption(new Option('--control-socket <path>', 'the control socket of tf ps/scale/restart/stop/logs (default: ROOT/.tf/control.sock)').env('TF_CONTROL_SOCKET'));
}

export function addStoreOptions(command: Command): Command {
  return addRootOptions(command).option('--releases-dir <dir>', 'the release store (default: $TF_RELEASES_DIR, else ROOT/releases)');
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
