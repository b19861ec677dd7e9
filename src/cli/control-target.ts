import { appRoot } from '../config/app-root.js';
import type { ControlTarget } from '../control/client.js';
import { controlSocketPath } from '../control/socket-path.js';

export interface ControlFlags {
  root?: string;
  procfile?: string;
  controlSocket?: string;
}

/** The running tf to talk to: -d, else the folder of -f, else the nearest folder upwards with a Procfile. */
export function controlTarget(flags: ControlFlags): ControlTarget {
  const root = appRoot(flags);
  return { root, path: controlSocketPath(root, flags.controlSocket) };
}
