import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { appRoot } from './app-root.js';
import { readEnvFile, type Warn } from './env-file.js';
import { layerEnvFiles, shellEnvironment, type EnvFile, type Environment } from './env.js';
import { PROCFILE_HINT, readProcfile, type Procfile } from './procfile.js';
import { TfError, location } from '../util/errors.js';
import { parseSettings } from './settings-file.js';
import { emptySettings, type Settings } from './settings.js';
import { displayPath, readUserFile } from '../util/fs.js';
import { listItems } from '../util/list-items.js';

export interface AppOptions {
  /** Procfile path (-f); default ROOT/Procfile, or ./Procfile without a root. */
  procfile?: string;
  /** App root (-d); default the Procfile's folder. */
  root?: string;
  /** Env files (-e), each maybe a comma list; default ROOT/.env when present. */
  envFiles?: string[];
  /** The shell environment tf was started with. */
  shellEnv?: NodeJS.ProcessEnv;
  /** Told about lines tf skipped (an env file's line without "="); the CLI prints them. */
  warn?: Warn;
}

/** Everything tf reads about an app, as plain data, before anything runs. */
export interface App {
  root: string;
  procfile: Procfile;
  envFiles: EnvFile[];
  settings: Settings;
  /** Shell env layered under the env files, with each variable's origin. */
  environment: Environment;
  /** The release it is (tf start --release), absent for the working tree. */
  release?: string;
}

export const SETTINGS_FILE = 'tf.yml';

export async function loadApp(options: AppOptions = {}): Promise<App> {
  const root = appRoot(options);
  // -f is relative to where tf runs, not to the root.
  const procfilePath = options.procfile === undefined ? resolve(root, 'Procfile') : resolve(options.procfile);
  // Neither -d nor -f: appRoot looked here and in every folder above.
  if (options.procfile === undefined && options.root === undefined && !existsSync(procfilePath)) {
    throw new TfError(`no Procfile in ${root} or any folder above it`, PROCFILE_HINT);
  }
  const procfile = readProcfile(procfilePath);
  const settings = loadSettings(root);
  const envFiles = envFilePaths(root, options.envFiles, settings).map((path) => ({ path, entries: readEnvFile(path, options.warn) }));
  const environment = layerEnvFiles(shellEnvironment(options.shellEnv ?? process.env), envFiles);
  return { root, procfile, envFiles, settings, environment };
}

/** -e (relative to where tf runs), else tf.yml's env_files (relative to the root), else ROOT/.env. */
function envFilePaths(root: string, named: string[] | undefined, settings: Settings): string[] {
  if (named && named.length > 0) {
    return listItems(named).map((path) => resolve(path));
  }
  if (settings.envFiles) return settings.envFiles.map((file) => settingsEnvFile(root, file, settings));
  const fallback = resolve(root, '.env');
  return existsSync(fallback) ? [fallback] : [];
}

export function loadSettings(root: string): Settings {
  const path = resolve(root, SETTINGS_FILE);
  if (!existsSync(path)) return emptySettings();
  return parseSettings(readUserFile(path, 'settings file'), path);
}

/** An env file tf.yml names must exist: the error points at tf.yml, not at a flag nobody typed. */
function settingsEnvFile(root: string, file: string, settings: Settings): string {
  const path = resolve(root, file);
  if (!existsSync(path)) {
    throw new TfError(`${location(displayPath(settings.path ?? SETTINGS_FILE), settings.lines.get('env_files'))}: env_files: ${file}: env file not found`, `create it, or remove it from env_files; paths there are relative to ${displayPath(root)}`);
  }
  return path;
}
