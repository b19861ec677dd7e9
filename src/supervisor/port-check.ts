import { createServer } from 'node:net';
import { TfError, errnoCode } from '../util/errors.js';
import { allProcesses, descendants, procStat } from '../platform/proc.js';
import { processTable } from '../platform/process-table.js';

/** The base port foreman, honcho and tf default to, which AirPlay Receiver holds on recent macOS. */
const AIRPLAY_PORT = 5000;

/**
 * Fails early, before anything starts, when a port a web process or a `ready: port` process will
 * get is taken, naming the holder when the platform can tell: "port 5000 is in use (pid 1234, node)".
 */
export async function ensurePortsFree(ports: number[], basePort: number): Promise<void> {
  for (const port of ports) {
    if (await portFree(port)) continue;
    throw portInUse(port, basePort, describeHolder(port));
  }
}

/** The error for a taken PORT; it suggests the next base port explicitly (and, for 5000 on macOS, says why it is taken). */
export function portInUse(port: number, basePort: number, holder: string, platform: NodeJS.Platform = process.platform): TfError {
  const airplay = port === AIRPLAY_PORT && platform === 'darwin' ? '; on macOS, AirPlay Receiver listens on 5000 (System Settings > General > AirDrop & Handoff)' : '';
  return new TfError(`port ${port} is in use${holder}`, `stop that process, or choose another base port: -p ${basePort + 100}${airplay}`);
}

/** " (pid 1234, node)" when the platform can tell who listens on PORT, else nothing. */
export function describeHolder(port: number): string {
  const holder = portHolder(port);
  return holder ? ` (pid ${holder.pid}, ${holder.command})` : '';
}

/**
 * Whether the listener on PORT belongs to process ROOT or one of its descendants (a shell's
 * child, a server's workers), so a `ready: port` check is not satisfied by somebody else's
 * server. Undefined where the platform cannot tell (no /proc/net/tcp, no lsof): the caller then
 * trusts the port, which was checked to be free before the start.
 */
export function listenerIsOurs(port: number, root: number): boolean | undefined {
  const listeners = processTable().listeners(port);
  if (listeners === undefined) return undefined;
  // Somebody answered the connect, yet no process tf may see holds the port: not ours.
  if (listeners.length === 0) return false;
  const self = procStat(root);
  if (!self) return false;
  const tree = new Set([root, ...descendants([self], allProcesses()).map((identity) => identity.pid)]);
  return listeners.some((pid) => tree.has(pid));
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => {
      const code = errnoCode(error);
      if (code === 'EADDRINUSE' || code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortHolder {
  pid: number;
  command: string;
}

/** The process listening on a TCP port; undefined where the platform cannot tell or it is hidden. */
export function portHolder(port: number): PortHolder | undefined {
  const table = processTable();
  const pid = table.listeners(port)?.[0];
  return pid === undefined ? undefined : { pid, command: table.command(pid) ?? 'unknown' };
}
