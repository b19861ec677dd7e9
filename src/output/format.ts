import { isUtf8 } from 'node:buffer';
import { paint, styleFor } from './palette.js';

export type StreamName = 'stdout' | 'stderr' | 'system';

/** Who a line is from: a process ("web.1") or tf itself ("system"). */
export interface Source {
  name: string;
  /** The type's position in the Procfile; picks the color. Absent for tf's own lines. */
  typeIndex?: number;
  pid?: number;
}

export const SYSTEM: Source = { name: 'system' };

export interface FormatOptions {
  color: boolean;
  timestamps: boolean;
}

/** Local wall-clock time as HH:MM:SS. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "12:00:01 web.1  | " with the name padded to `width` and colored by type. */
export function textPrefix(source: Source, width: number, time: number, options: FormatOptions): string {
  const label = `${source.name.padEnd(width)} |`;
  const colored = options.color ? paint(styleFor(source.typeIndex), label) : label;
  return options.timestamps ? `${clockTime(time)} ${colored} ` : `${colored} `;
}

/** One NDJSON record: time, process, pid, stream, text. */
export function jsonRecord(source: Source, stream: StreamName, text: string, time: number): string {
  return jsonRecords(source, stream, [text], time);
}

/**
 * A record per text, all from one source at one time: what they share is serialized once, which
 * is exactly what JSON.stringify would write for each ({time, process, pid, stream, text}).
 */
export function jsonRecords(source: Source, stream: StreamName, texts: readonly string[], time: number): string {
  const head = `{"time":"${new Date(time).toISOString()}","process":${JSON.stringify(source.name)},"pid":${source.pid ?? null},"stream":${JSON.stringify(stream)},"text":`;
  let out = '';
  for (const text of texts) out += `${head}${JSON.stringify(text)}}\n`;
  return out;
}

const NUL = 0x00;
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Bytes that print as they are: valid UTF-8 without NUL. */
export function isPlain(bytes: Buffer): boolean {
  return bytes.indexOf(NUL) === -1 && isUtf8(bytes);
}

/**
 * A line safe to print: valid UTF-8 passes through untouched (the fast path); invalid bytes become
 * U+FFFD and NUL bytes, which make tools like grep treat the stream as binary, become U+2400 (␀).
 */
export function printable(line: Buffer): Buffer | string {
  if (isPlain(line)) return line;
  return decoder.decode(line).replaceAll('\0', '\u2400');
}

export function lineText(line: Buffer): string {
  const safe = printable(line);
  return typeof safe === 'string' ? safe : safe.toString('utf8');
}
