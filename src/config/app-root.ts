import { dirname, resolve } from 'node:path';

/**
 * The app's root folder: -d, else the Procfile's folder (-f), else the current folder. One rule
 * for loading the app, finding its release store and finding its control socket, so `tf ps`
 * always looks where `tf start` listens. Its own module: the control commands load nothing else.
 */
export function appRoot(flags: { root?: string | undefined; procfile?: string | undefined }): string {
  return resolve(flags.root ?? dirname(resolve(flags.procfile ?? 'Procfile')));
}
