import type { parse as Parse } from 'dotenv';
import { TfError, location } from '../util/errors.js';
import { displayPath, readUserFile } from '../util/fs.js';
import { loadOnce } from '../util/load-once.js';

const dotenv = loadOnce(() => require('dotenv') as { parse: typeof Parse });

export interface EnvEntry {
  key: string;
  /** The value as dotenv reads it: quotes removed, `\n` expanded inside double quotes. */
  value: string;
  line: number;
  /** Single-quoted values are taken literally: no `${VAR}` expansion, as in sh and compose. */
  literal: boolean;
}

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([\w.-]+)(?:[ \t]*=|:[ \t])[ \t]*/;
const QUOTES = `'"\``;

export function readEnvFile(path: string): EnvEntry[] {
  return parseEnvFile(readUserFile(path, 'env file', 'check the path given to -e/--env'), path);
}

/**
 * dotenv's grammar (export prefix, quotes, multi-line quoted values, comments), but with line
 * numbers and errors: dotenv itself silently skips lines it cannot read, and tf must not.
 * Each entry's value is still produced by dotenv's own parser, so values match dotenv exactly.
 */
export function parseEnvFile(text: string, path: string): EnvEntry[] {
  const shown = displayPath(path);
  const src = text.replace(/\r\n?/g, '\n');
  const entries: EnvEntry[] = [];
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const end = lineEnd(src, pos);
    const content = src.slice(pos, end);
    const startLine = line;
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      [pos, line] = [end + 1, line + 1];
      continue;
    }
    const match = ASSIGNMENT.exec(content);
    if (!match) {
      // Never the line itself: it may be a secret (a private key's next line, a pasted token).
      throw new TfError(`${location(shown, startLine)}: not a KEY=VALUE line`, 'write it as KEY=value, or comment it out with #; the line is not shown, as it may hold a secret');
    }
    const key = match[1]!;
    const valueStart = pos + match[0].length;
    const quote = QUOTES.includes(src[valueStart] ?? '') ? src[valueStart]! : undefined;
    let entryEnd = end;
    if (quote) {
      const close = closingQuote(src, valueStart + 1, quote);
      if (close < 0) {
        throw new TfError(`${location(shown, startLine)}: the value of ${key} opens a ${quote} quote that is never closed`, `close it with ${quote}, or escape it as \\${quote}`);
      }
      entryEnd = lineEnd(src, close);
      const rest = src.slice(close + 1, entryEnd).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        throw new TfError(`${location(shown, lineOf(src, close, pos, startLine))}: unexpected text after the closing quote of ${key}`, 'put the whole value inside the quotes');
      }
      line += countNewlines(src, pos, entryEnd);
    }
    const value = dotenv().parse(src.slice(pos, entryEnd))[key] ?? '';
    entries.push({ key, value, line: startLine, literal: quote === "'" });
    [pos, line] = [entryEnd + 1, line + 1];
  }
  return entries;
}

function lineEnd(src: string, from: number): number {
  const i = src.indexOf('\n', from);
  return i < 0 ? src.length : i;
}

/** Index of the quote that closes one opened before `from`; a backslash escapes it, as in dotenv. */
function closingQuote(src: string, from: number, quote: string): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\' && src[i + 1] === quote) i++;
    else if (src[i] === quote) return i;
  }
  return -1;
}

function countNewlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let i = src.indexOf('\n', from); i >= 0 && i < to; i = src.indexOf('\n', i + 1)) n++;
  return n;
}

function lineOf(src: string, index: number, from: number, fromLine: number): number {
  return fromLine + countNewlines(src, from, index);
}

