import { appRoot } from '../config/app-root.js';
import { parseDuration } from '../config/duration.js';
import type { ControlTarget } from '../control/client.js';
import { socketPlace } from '../control/socket-path.js';
import { TfError } from '../util/errors.js';

export interface ControlFlags {
  root?: string;
  procfile?: string;
  controlSocket?: string;
  /** --timeout: how long tf may stay silent before its reply. */
  timeout?: string;
}

/** A day: past it, a timeout is a typo, and Node's timers would overflow anyway. */
const MAX_TIMEOUT_MS = 86_400_000;

/** The running tf to talk to: -d, else the folder of -f, else the nearest folder upwards with a Procfile. */
export function controlTarget(flags: ControlFlags): ControlTarget {
  const root = appRoot(flags);
  const place = socketPlace(root, flags.controlSocket);
  return { root, path: place.path, otherPath: place.instead?.path, timeoutMs: timeoutOf(flags.timeout) };
}

function timeoutOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || ms > MAX_TIMEOUT_MS) throw new TfError(`--timeout: "${text}" is not a duration from 1ms to 24h`, 'write e.g. --timeout 30s');
  return ms;
}
