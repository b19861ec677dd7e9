import { TfError, location } from '../util/errors.js';

/**
 * A NUL byte cannot reach a process: the kernel ends every argument and variable at one, and
 * Node refuses to spawn with it. Config files are checked for it when read, so `tf check`
 * finds it rather than `tf start`.
 */
export function nulByteError(file: string, line: number, hint: string): TfError {
  return new TfError(`${location(file, line)}: holds a NUL byte`, hint);
}

/** The 1-based line of the first NUL byte in TEXT, if it has one. */
export function nulByteLine(text: string): number | undefined {
  const at = text.indexOf('\0');
  if (at < 0) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
