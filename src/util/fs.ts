import { readFileSync } from 'node:fs';
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
