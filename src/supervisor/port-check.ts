import { readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { TfError, errnoCode } from '../util/errors.js';
import { processIds, readOrEmpty } from '../platform/proc.js';

/**
 * Fails early, before anything starts, when a port a web process will get is taken, naming the
 * holder when /proc can tell: "port 5000 is in use (pid 1234, node)".
 */
export async function ensurePortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    if (await portFree(port)) continue;
    const holder = portHolder(port);
    const who = holder ? ` (pid ${holder.pid}, ${holder.command})` : '';
    throw new TfError(`port ${port} is in use${who}`, 'stop that process, or choose another base port with -p');
  }
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

/** The process listening on a TCP port, from /proc (Linux); undefined elsewhere or if hidden. */
export function portHolder(port: number): PortHolder | undefined {
  const inodes = new Set([...listeningInodes('/proc/net/tcp', port), ...listeningInodes('/proc/net/tcp6', port)]);
  if (inodes.size === 0) return undefined;
  for (const pid of processIds()) {
    for (const fd of safeList(`/proc/${pid}/fd`)) {
      const target = safeReadlink(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target ?? '')?.[1];
      if (inode && inodes.has(inode)) {
        return { pid, command: readOrEmpty(`/proc/${pid}/comm`).toString().trim() || 'unknown' };
      }
    }
  }
  return undefined;
}

const LISTEN = '0A';

function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readOrEmpty(table)
    .toString()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === LISTEN)
    .map((cols) => cols[9] ?? '');
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
