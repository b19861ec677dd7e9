import { isUtf8 } from 'node:buffer';
import { paint, styleFor } from './palette.js';

/** 'tty': a process on a terminal (tty mode), whose stdout and stderr are one stream there. */
export type StreamName = 'stdout' | 'stderr' | 'tty' | 'system';

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

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Bytes that need care on a terminal: C0 controls but TAB and LF, DEL, and the C1 controls
 * (U+0080-U+009F, 0xC2 0x80-0x9F in UTF-8). Tested on the latin1 reading of the bytes, so one
 * regex pass checks a line.
 */
const CARE_BYTES = /[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]/;

/** Whether a block or line of bytes (latin1-read) has a byte that needs care on a terminal. */
export function needsCare(latin1: string): boolean {
  return CARE_BYTES.test(latin1);
}

/** Colour codes (SGR), as a log file or a search sees past them. */
export const SGR = /\x1b\[[\d;:]*m/g;

/** Text without its colour codes. */
export function withoutColour(text: string): string {
  return text.includes('\x1b') ? text.replace(SGR, '') : text;
}

/** An SGR sequence (colours, bold, underline), else one control character: C0 but TAB, DEL, C1. */
const CONTROL = /\x1b\[[0-9;:]{0,64}m|[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
const RESET = '\x1b[0m';
const RESETS = new Set([RESET, '\x1b[m']);

/**
 * A child's line made safe for a terminal: colours (SGR) are kept, and reset at the line's end so
 * they never bleed into the next line's prefix; every other control character is shown, never
 * obeyed: ESC as ␛ (so OSC titles, OSC 52 clipboard writes, cursor moves and screen clears print
 * as text), other C0 controls as their control pictures (␇, ␈, ␀), DEL as ␡, C1 as U+FFFD. A
 * child cannot move the cursor or rewrite a line, and so cannot forge a `system |` line.
 */
export function visibleControls(text: string): string {
  let lastSgr: string | undefined;
  const safe = text.replace(CONTROL, (match) => {
    if (match.length > 1) return (lastSgr = match);
    const code = match.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
  return lastSgr === undefined || RESETS.has(lastSgr) ? safe : safe + RESET;
}

/**
 * A line safe to print on a terminal: plain UTF-8, and coloured UTF-8 that resets its colours,
 * pass through untouched (a reset is added to colours left on); anything else becomes a string
 * where invalid bytes are U+FFFD and control characters other than colours are made visible
 * (visibleControls).
 */
export function printable(line: Buffer): Buffer | string {
  if (!isUtf8(line)) return visibleControls(decoder.decode(line));
  const latin1 = line.toString('latin1');
  if (!needsCare(latin1)) return line;
  // Coloured output (children get FORCE_COLOR=1 on a terminal) is the common case: checked in
  // one regex pass, and printed as it is, with no decoding, when colours are its only controls.
  if (COLOURS_ONLY.test(latin1)) return endsReset(latin1) ? line : Buffer.concat([line, RESET_BYTES]);
  return visibleControls(line.toString('utf8'));
}

/** Text (latin1-read) whose only control characters are SGR sequences. */
const COLOURS_ONLY = /^(?:[^\x00-\x08\x0a-\x1f\x7f\xc2]|\xc2(?![\x80-\x9f])|\x1b\[[0-9;:]{0,64}m)*$/;
const RESET_BYTES = Buffer.from(RESET);

/** Whether the last SGR sequence of coloured text resets every attribute. */
function endsReset(text: string): boolean {
  const at = text.lastIndexOf('\x1b[');
  return text.startsWith(RESET, at) || text.startsWith('\x1b[m', at);
}

/**
 * A line as text for JSON output, which escapes control characters itself: invalid bytes become
 * U+FFFD and NUL, which makes tools like grep treat the stream as binary, U+2400 (␀).
 */
export function lineText(line: Buffer): string {
  const text = isUtf8(line) ? line.toString('utf8') : decoder.decode(line);
  return text.includes('\0') ? text.replaceAll('\0', '\u2400') : text;
}
