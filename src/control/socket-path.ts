import { createHash } from 'node:crypto';
import { accessSync, constants, lstatSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { TfError, errnoCode } from '../util/errors.js';
import { securePrivateDir } from '../util/fs.js';

export const CONTROL_DIR = '.tf';
/**
 * The longest socket path PLATFORM takes: sun_path holds 108 bytes on Linux, 104 on macOS and the
 * BSDs, the terminating NUL included.
 */
export function maxSocketPathBytes(platform: NodeJS.Platform = process.platform): number {
  return (platform === 'linux' ? 108 : 104) - 1;
}
const SOCKET_NAME = 'control.sock';

/** Where a control socket lives; `dir` is the private folder tf makes for it (not for a named path). */
export interface SocketPlace {
  path: string;
  dir?: string;
  /** The short place under XDG_RUNTIME_DIR or the temp dir, derived from the root alone. */
  short?: boolean;
  /** For ROOT/.tf: the short place, where tf listens when it cannot make ROOT/.tf (a read-only checkout). */
  instead?: SocketPlace;
}

/**
 * The app's control socket: --control-socket (or TF_CONTROL_SOCKET) as it is; else
 * ROOT/.tf/control.sock, or, when that is too long for a Unix socket (an app a few folders
 * deep), a short path every command derives the same way from the root alone:
 * $XDG_RUNTIME_DIR/tf/HASH.sock when that folder is the user's, else TMPDIR/tf-UID/HASH.sock.
 */
export function socketPlace(root: string, flag?: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): SocketPlace {
  if (flag) return { path: resolve(flag) };
  const abs = resolve(root);
  const own = join(abs, CONTROL_DIR, SOCKET_NAME);
  const short = shortPlace(abs, env, platform);
  return fits(own, platform) ? { path: own, dir: dirname(own), instead: short } : short;
}

function shortPlace(root: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): SocketPlace {
  const name = `${createHash('sha256').update(root).digest('hex').slice(0, 24)}.sock`;
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime) && ownFolder(runtime) && fits(join(runtime, 'tf', name), platform)) return { path: join(runtime, 'tf', name), dir: join(runtime, 'tf'), short: true };
  const userDir = join(tmpdir(), `tf-${process.getuid?.() ?? 'user'}`);
  return { path: join(userDir, name), dir: userDir, short: true };
}

/**
 * Where tf start listens: ROOT/.tf, unless nothing is there and the root is not writable (a
 * read-only checkout), then the short place, where the other commands look next. Anything in
 * the way at ROOT/.tf (a link, a file) is not passed over: prepareSocketDir refuses it.
 */
export function listenPlace(place: SocketPlace): SocketPlace {
  if (!place.instead || place.dir === undefined || present(place.dir)) return place;
  try {
    accessSync(dirname(place.dir), constants.W_OK);
    return place;
  } catch {
    return place.instead;
  }
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the socket's folder, private to the user (0700): with it, no other user can even reach
 * the socket in the moment between bind() and the chmod to 0600. Never through a symbolic link;
 * a folder of another user (a TMPDIR/tf-UID made by someone else) is refused.
 */
export function prepareSocketDir(place: SocketPlace): void {
  checkLength(place.path);
  if (place.dir !== undefined) securePrivateDir(place.dir, 'the control socket');
}

/** A real folder (not a link) of this user: a stale XDG_RUNTIME_DIR, kept by su, is skipped. */
function ownFolder(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === process.getuid?.();
  } catch {
    return false;
  }
}

function fits(path: string, platform: NodeJS.Platform): boolean {
  return Buffer.byteLength(path) <= maxSocketPathBytes(platform);
}

export function checkLength(path: string, platform: NodeJS.Platform = process.platform): void {
  const bytes = Buffer.byteLength(path);
  const max = maxSocketPathBytes(platform);
  if (bytes > max) {
    throw new TfError(`the control socket path is too long for a Unix socket (${bytes} bytes, at most ${max}): ${path}`, 'choose a shorter one with --control-socket or TF_CONTROL_SOCKET');
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
