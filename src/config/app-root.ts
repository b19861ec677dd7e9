import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The app's root folder: -d, else the Procfile's folder (-f), else the nearest folder from the
 * current one upwards that has a Procfile (as git finds .git), else the current folder. One rule
 * for loading the app, finding its release store and finding its control socket, so `tf ps`
 * always looks where `tf start` listens, from any subfolder. Its own module: the control commands
 * load nothing else.
 */
export function appRoot(flags: { root?: string | undefined; procfile?: string | undefined }, cwd: string = process.cwd()): string {
  if (flags.root !== undefined) return resolve(cwd, flags.root);
  if (flags.procfile !== undefined) return dirname(resolve(cwd, flags.procfile));
  return nearestProcfileFolder(resolve(cwd)) ?? resolve(cwd);
}

function nearestProcfileFolder(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'Procfile'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
