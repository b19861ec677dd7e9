import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TfError, errnoCode } from '../util/errors.js';

export const CONTROL_DIR = '.tf';
/** sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** The app's control socket: --control-socket (or TF_CONTROL_SOCKET), else ROOT/.tf/control.sock. */
export function controlSocketPath(root: string, flag?: string): string {
  return flag ? resolve(flag) : join(resolve(root), CONTROL_DIR, 'control.sock');
}

/**
 * Makes the socket's folder, private to the user (0700): with it, no other user can even reach
 * the socket in the moment between bind() and the chmod to 0600.
 */
export function prepareSocketDir(path: string): void {
  checkLength(path);
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (basename(dir) === CONTROL_DIR) chmodSync(dir, 0o700);
  } catch (error) {
    // A read-only checkout, or a .tf left by another user: tf cannot run without its socket.
    throw new TfError(`cannot make ${dir} private for the control socket (${errnoCode(error) ?? String(error)})`, 'choose another place with --control-socket or TF_CONTROL_SOCKET');
  }
}

export function checkLength(path: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new TfError(`the control socket path is too long for a Unix socket (${bytes} bytes, at most ${MAX_SOCKET_PATH_BYTES}): ${path}`, 'choose a shorter one with --control-socket or TF_CONTROL_SOCKET');
  }
}

/** Removes a socket file left by a dead tf; anything that is not a socket is left alone. */
export function removeStaleSocket(path: string): void {
  let isSocket = false;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new TfError(`${path} exists and is not a socket`, 'remove it, or choose another path with --control-socket');
  unlinkSync(path);
}

/** The socket's inode, so tf removes only its own socket at exit, never a successor's. */
export function inodeOf(path: string): number | undefined {
  try {
    return lstatSync(path).ino;
  } catch {
    return undefined;
  }
}
