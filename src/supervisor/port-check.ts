import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { TfError, errnoCode } from '../util/errors.js';
import { processIds, readOrEmpty } from '../platform/proc.js';

/**
 * Fails early, before anything starts, when a port a web process or a `ready: port` process will
 * get is taken, naming the holder when /proc can tell: "port 5000 is in use (pid 1234, node)".
 */
export async function ensurePortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    if (await portFree(port)) continue;
    throw new TfError(`port ${port} is in use${describeHolder(port)}`, 'stop that process, or choose another base port with -p');
  }
}

/** " (pid 1234, node)" when /proc can tell who listens on PORT, else nothing. */
export function describeHolder(port: number): string {
  const holder = portHolder(port);
  return holder ? ` (pid ${holder.pid}, ${holder.command})` : '';
}

/**
 * Whether the listener on PORT belongs to process ROOT or one of its descendants (a shell's
 * child, a server's workers), so a `ready: port` check is not satisfied by somebody else's
 * server. Undefined where the platform cannot tell (no /proc): the caller then trusts the port,
 * which was checked to be free before the start.
 */
export function listenerIsOurs(port: number, root: number): boolean | undefined {
  if (!existsSync('/proc/net/tcp')) return undefined;
  const inodes = listeningSockets(port);
  if (inodes.size === 0) return undefined;
  for (const pid of processTree(root)) if (socketInodes(pid).some((inode) => inodes.has(inode))) return true;
  return false;
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
  const inodes = listeningSockets(port);
  if (inodes.size === 0) return undefined;
  const pid = processIds().find((id) => socketInodes(id).some((inode) => inodes.has(inode)));
  return pid === undefined ? undefined : { pid, command: readOrEmpty(`/proc/${pid}/comm`).toString().trim() || 'unknown' };
}

function listeningSockets(port: number): Set<string> {
  return new Set([...listeningInodes('/proc/net/tcp', port), ...listeningInodes('/proc/net/tcp6', port)]);
}

/** The inodes of the sockets a process has open (none if it is gone or not ours to read). */
function socketInodes(pid: number): string[] {
  return safeList(`/proc/${pid}/fd`).flatMap((fd) => /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`) ?? '')?.[1] ?? []);
}

/** ROOT and every process descended from it, from the parent pids in /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of processIds()) {
    const stat = readOrEmpty(`/proc/${pid}/stat`).toString();
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
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
