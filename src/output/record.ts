import type { Source, StreamName } from './format.js';

/**
 * What the multiplexer printed, before formatting: the lines of one source at one time, as the
 * log tail and the log files keep them. `lines` are single lines without their newline; a `block`
 * is whole lines each ending in LF (the fast path's reads, kept as they came: no copy); `system`
 * is one of tf's own messages (about `source` when it concerns one process).
 */
export type OutputRecord =
  | { kind: 'lines'; source: Source; stream: StreamName; time: number; lines: readonly Buffer[] }
  | { kind: 'block'; source: Source; stream: StreamName; time: number; parts: readonly Buffer[] }
  | { kind: 'system'; source: Source; stream: 'system'; time: number; text: string };

/** One line of a record; `text` has no newline. */
export interface OutputLine {
  source: Source;
  stream: StreamName;
  time: number;
  text: Buffer | string;
}

/** How many bytes a record holds (its lines' text), for bounding what is kept of it. */
export function recordBytes(record: OutputRecord): number {
  if (record.kind === 'system') return record.text.length;
  let bytes = 0;
  for (const part of record.kind === 'lines' ? record.lines : record.parts) bytes += part.length;
  return bytes;
}

/** The record's lines one by one (a block is split at its newlines: views, not copies). */
export function recordLines(record: OutputRecord): OutputLine[] {
  const { source, stream, time } = record;
  if (record.kind === 'system') return [{ source, stream, time, text: record.text }];
  if (record.kind === 'lines') return record.lines.map((text) => ({ source, stream, time, text }));
  const out: OutputLine[] = [];
  for (const part of record.parts) {
    for (let start = 0; start < part.length; ) {
      const end = part.indexOf(0x0a, start);
      // A CRLF line end (a terminal's) was printed as LF: the CR is no part of the line.
      out.push({ source, stream, time, text: part.subarray(start, part[end - 1] === CR ? end - 1 : end) });
      start = end + 1;
    }
  }
  return out;
}

const CR = 0x0d;

/**
 * A block part's text, as it was printed: whole lines, each ending in LF. The fast path takes
 * CRLF line ends (tty mode) and prints them as LF; a lone CR never reaches a block.
 */
export function blockText(part: Buffer): string {
  const text = part.toString();
  return text.includes('\r') ? text.replaceAll('\r\n', '\n') : text;
}
