import { TfError, location } from '../util/errors.js';
import { displayPath, readUserFile } from '../util/fs.js';
import { nulByteError, nulByteLine } from './text-checks.js';

export interface ProcessType {
  name: string;
  command: string;
  /** 1-based line in the Procfile, for messages. */
  line: number;
}

export interface Procfile {
  path: string;
  types: ProcessType[];
}

/** The release phase: run by `tf release`, never by `tf start`. */
export const RELEASE_TYPE = 'release';

const NAME = /^[A-Za-z0-9_-]+$/;

export const PROCFILE_HINT = 'create one with lines like "web: node server.js", or name it with -f';

export function readProcfile(path: string): Procfile {
  const text = readUserFile(path, 'Procfile', PROCFILE_HINT);
  return parseProcfile(text, path);
}

/** Heroku's grammar: `name: command` a line, blank lines and `#` comments allowed. */
export function parseProcfile(text: string, path: string): Procfile {
  const shown = displayPath(path);
  const nul = nulByteLine(text.replace(/\r\n?/g, '\n'));
  if (nul !== undefined) throw nulByteError(shown, nul, 'a command cannot hold one: remove it; is this a text file?');
  const types: ProcessType[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) {
      throw new TfError(`${location(shown, line)}: "${trimmed}" is not a process line`, 'write it as "name: command", e.g. "web: node server.js"');
    }
    const name = trimmed.slice(0, colon).trim();
    const command = trimmed.slice(colon + 1).trim();
    if (!NAME.test(name)) {
      throw new TfError(`${location(shown, line)}: "${name}" is not a valid process type name`, 'use only letters, digits, "_" and "-"');
    }
    if (command === '') {
      throw new TfError(`${location(shown, line)}: process type "${name}" has no command`, `write it as "${name}: command"`);
    }
    const first = types.find((t) => t.name === name);
    if (first) {
      throw new TfError(`${location(shown, line)}: duplicate process type "${name}" (first defined on line ${first.line})`, 'rename or remove one of them');
    }
    types.push({ name, command, line });
  });
  if (types.length === 0) {
    throw new TfError(`${shown}: no process types defined`, 'add a line like "web: node server.js"');
  }
  return { path, types };
}

/** The types `tf start` may run, in Procfile order (the order also fixes each type's port block). */
export function runnableTypes(procfile: Procfile): ProcessType[] {
  return procfile.types.filter((t) => t.name !== RELEASE_TYPE);
}
