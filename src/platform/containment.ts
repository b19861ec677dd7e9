import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { ContainedEvents, Contained, ContainRequest } from './contained.js';
import { containPortably } from './portable.js';
import { processTable } from './process-table.js';
import { containWithShim } from './shim.js';
import { TfError } from '../util/errors.js';

export type { Contained, ContainedEvents, ContainRequest, Daemon, TerminalSize } from './contained.js';

export type ContainmentMode = 'shim' | 'portable';

/** Set to `portable` to run without the shim (tests of the fallback, or to rule the shim out). */
export const CONTAINMENT_VARIABLE = 'TF_CONTAINMENT';

let shim: string | null | undefined;

/**
 * The tf-shim binary for this machine (dist/native/tf-shim-linux-ARCH, built by `npm run build`),
 * or null: not Linux, no binary for this architecture, or TF_CONTAINMENT=portable.
 */
export function shimPath(): string | null {
  if (shim !== undefined) return shim;
  shim = null;
  if (process.platform !== 'linux' || process.env[CONTAINMENT_VARIABLE] === 'portable') return shim;
  // The bundle is dist/tf.js; the modules tsc writes are one folder deeper (dist/platform/); tests
  // load this file from src/platform/.
  for (const dir of [join(__dirname, 'native'), join(__dirname, '..', 'native'), join(__dirname, '..', '..', 'dist', 'native')]) {
    const candidate = join(dir, `tf-shim-linux-${process.arch}`);
    try {
      accessSync(candidate, constants.X_OK);
      return (shim = candidate);
    } catch {
      // not there: try the next place
    }
  }
  return shim;
}

export function containmentMode(): ContainmentMode {
  return shimPath() ? 'shim' : 'portable';
}

/** One line for `tf check`: which mechanism contains processes here, and what that means. */
export function describeContainment(): string {
  if (containmentMode() === 'shim') return 'shim (subreaper: daemons and orphans stay contained; stdout and stderr are pipes)';
  const table = processTable().kind === 'procfs' ? '/proc' : 'ps';
  return `portable (process groups and ${table}; a daemon that calls setsid can escape; see README "Containment")`;
}

/** Why tty mode cannot run here, or undefined when it can: it needs the shim's pty relay. */
export function ttyUnavailable(): string | undefined {
  if (shimPath()) return undefined;
  const why = process.platform !== 'linux' ? `not on ${process.platform}` : process.env[CONTAINMENT_VARIABLE] === 'portable' ? `not with ${CONTAINMENT_VARIABLE}=portable` : `no tf-shim for linux-${process.arch}`;
  return `tty mode needs tf-shim (Linux x64), ${why}`;
}

/** Starts REQUEST's program contained, with the best mechanism this machine has. */
export function contain(request: ContainRequest, events: ContainedEvents): Contained {
  const path = shimPath();
  if (request.tty && !path) throw new TfError(ttyUnavailable()!, 'remove tty: true from tf.yml and --tty');
  return path ? containWithShim(path, request, events) : containPortably(request, events);
}
