import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { TfError, errnoCode } from './errors.js';

/** Path as the user should see it in messages: relative to where they stand when that is shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

/** Reads a text file the user named, turning fs errors into one-line TfErrors. */
export function readUserFile(path: string, what: string, hint?: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    const shown = displayPath(path);
    if (code === 'ENOENT') throw new TfError(`${shown}: ${what} not found`, hint);
    if (code === 'EACCES') throw new TfError(`${shown}: ${what} is not readable (permission denied)`, 'check the file mode');
    if (code === 'EISDIR') throw new TfError(`${shown}: ${what} is a directory, not a file`, hint);
    throw new TfError(`${shown}: cannot read ${what} (${code ?? String(error)})`);
  }
}

/**
 * Makes `dir` a private folder of this user (mode 0700 unless told otherwise), never through a
 * symbolic link: a checked-out repo can carry `.tf -> /tmp`, and a chmod through it would change
 * the link's target for good. The folder is created when missing (its parent must exist), then
 * opened with O_NOFOLLOW and secured through that descriptor, so a link swapped in meanwhile is
 * refused too. Refused, each with a one-line TfError naming `what`: a symbolic link, anything
 * that is not a folder, a folder of another user.
 */
export function securePrivateDir(dir: string, what: string, mode = 0o700): void {
  const shown = displayPath(dir);
  const hint = `remove ${shown}, or move it out of the way; tf makes it again`;
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw new TfError(`cannot make ${shown} for ${what} (${errnoCode(error) ?? String(error)})`, 'check the permissions of the folder above it');
  }
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = errnoCode(error);
    // Linux says ELOOP for a final symlink under O_NOFOLLOW; ENOTDIR means a file is in the way.
    if (code === 'ELOOP' || (code === 'ENOTDIR' && lstatSync(dir).isSymbolicLink())) throw new TfError(`${shown} is a symbolic link; tf does not follow it for ${what}`, hint);
    if (code === 'ENOTDIR') throw new TfError(`${shown} is not a folder; tf needs one there for ${what}`, hint);
    throw new TfError(`cannot open ${shown} for ${what} (${code ?? String(error)})`, 'check its permissions');
  }
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) throw new TfError(`${shown} belongs to another user (uid ${stat.uid}); tf keeps ${what} only in a folder of its own user`, hint);
    if ((stat.mode & 0o777) !== mode) fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}
