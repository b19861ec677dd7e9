import { TfError, location } from '../util/errors.js';
import { displayPath, readUserFile } from '../util/fs.js';
import { nulByteError, nulByteLine } from './text-checks.js';

export interface EnvEntry {
  key: string;
  /**
   * The value with its quotes resolved, still to be expanded unless `literal`: `\$` in it is a
   * literal dollar sign (as in `tf release create --env`, where the text is typed the same way).
   */
  value: string;
  line: number;
  /** Single-quoted values are taken literally: no `${VAR}` expansion, as in sh and compose. */
  literal: boolean;
}

/** Receives "FILE:LINE: problem (fix)" for a line tf skips; the CLI prints it as a warning. */
export type Warn = (message: string) => void;

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([\w.-]+)(?:[ \t]*=|:[ \t])[ \t]*/;
const QUOTES = `'"\``;
const BOM = '\uFEFF';

export function readEnvFile(path: string, warn: Warn = () => {}): EnvEntry[] {
  return parseEnvFile(readUserFile(path, 'env file', 'check the path given to -e/--env-file'), path, warn);
}

/**
 * dotenv's grammar (export prefix, quotes, multi-line quoted values, comments) with line numbers
 * and errors, where dotenv silently skips what it cannot read. Where the peers differ, tf follows
 * the majority of dotenv, godotenv, foreman and honcho: a leading byte order mark is skipped, a
 * line without "=" is skipped with a warning, and inside double quotes `\\` and `\"` are a
 * backslash and a quote. No message ever shows a value: env files hold secrets, errors reach logs.
 */
export function parseEnvFile(text: string, path: string, warn: Warn = () => {}): EnvEntry[] {
  const shown = displayPath(path);
  const src = (text.startsWith(BOM) ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const nul = nulByteLine(src);
  if (nul !== undefined) throw nulByteError(shown, nul, 'a variable cannot hold one: remove it; is this a text file?');
  const entries: EnvEntry[] = [];
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const end = lineEnd(src, pos);
    const content = src.slice(pos, end);
    const startLine = line;
    const trimmed = content.trim();
    const match = trimmed === '' || trimmed.startsWith('#') ? undefined : ASSIGNMENT.exec(content);
    if (!match) {
      if (trimmed !== '' && !trimmed.startsWith('#')) notAssignment(content, location(shown, startLine), warn);
      [pos, line] = [end + 1, line + 1];
      continue;
    }
    const key = match[1]!;
    const valueStart = pos + match[0].length;
    const quote = QUOTES.includes(src[valueStart] ?? '') ? src[valueStart]! : undefined;
    if (!quote) {
      // dotenv: an unquoted value ends at the first #, and is trimmed.
      const hash = content.indexOf('#', match[0].length);
      entries.push({ key, value: content.slice(match[0].length, hash < 0 ? undefined : hash).trim(), line: startLine, literal: false });
      [pos, line] = [end + 1, line + 1];
      continue;
    }
    const quoted = quote === '"' ? doubleQuoted(src, valueStart + 1) : rawQuoted(src, valueStart + 1, quote);
    if (!quoted) {
      throw new TfError(`${location(shown, startLine)}: the value of ${key} opens a ${quote} quote that is never closed`, `close it with ${quote}, or escape it as \\${quote}`);
    }
    const entryEnd = lineEnd(src, quoted.close);
    const rest = src.slice(quoted.close + 1, entryEnd).trim();
    if (rest !== '' && !rest.startsWith('#')) {
      throw new TfError(`${location(shown, startLine + countNewlines(src, pos, quoted.close))}: unexpected text after the closing quote of ${key}`, 'put the whole value inside the quotes, or start a comment with #');
    }
    entries.push({ key, value: quoted.value, line: startLine, literal: quote === "'" });
    line += countNewlines(src, pos, entryEnd);
    [pos, line] = [entryEnd + 1, line + 1];
  }
  return entries;
}

/**
 * A line with no "=" is skipped, as foreman, honcho and dotenv do, with a warning; one with an
 * "=" but no usable name before it is an error, since a variable the user meant to set would be
 * lost. Neither shows the line: it may be part of a secret (a pasted key without quotes).
 */
function notAssignment(content: string, where: string, warn: Warn): void {
  if (!content.includes('=')) {
    warn(`${where}: skipped a line that is not KEY=VALUE (no "=") (write it as KEY=value, or comment it out with #)`);
    return;
  }
  throw new TfError(`${where}: not a KEY=VALUE line: the name before "=" may hold only letters, digits, "_", "." and "-"`, 'write it as KEY=value, or comment it out with #');
}

interface Quoted {
  value: string;
  /** Index of the closing quote. */
  close: number;
}

/**
 * A double-quoted value: `\\` is a backslash, `\"` a quote, `\n` and `\r` line breaks; `\$`
 * stays for the expander, which reads it as a literal dollar sign. Any other backslash is kept
 * as typed, so `"C:\Users"` means what it says.
 */
function doubleQuoted(src: string, from: number): Quoted | undefined {
  let value = '';
  let chunk = from;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"') return { value: value + src.slice(chunk, i), close: i };
    if (c !== '\\') continue;
    const next = src[i + 1];
    const decoded = next === '\\' ? '\\' : next === '"' ? '"' : next === 'n' ? '\n' : next === 'r' ? '\r' : undefined;
    if (decoded === undefined) continue;
    value += src.slice(chunk, i) + decoded;
    chunk = i + 2;
    i++;
  }
  return undefined;
}

/** Single quotes and backticks, as dotenv reads them: taken as typed; only `\Q` keeps the quote Q open. */
function rawQuoted(src: string, from: number, quote: string): Quoted | undefined {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\' && src[i + 1] === quote) i++;
    else if (src[i] === quote) return { value: src.slice(from, i), close: i };
  }
  return undefined;
}

function lineEnd(src: string, from: number): number {
  const i = src.indexOf('\n', from);
  return i < 0 ? src.length : i;
}

function countNewlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let i = src.indexOf('\n', from); i >= 0 && i < to; i = src.indexOf('\n', i + 1)) n++;
  return n;
}
