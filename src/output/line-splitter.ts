const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/** Large enough to keep a several-MiB line (a JSON blob, a base64 dump) whole. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export type LineHandler = (line: Buffer, split: boolean) => void;

/**
 * Turns a byte stream into whole lines. Splitting bytes (not decoded text) at LF keeps multi-byte
 * characters intact across reads, since no UTF-8 continuation byte equals LF or CR. CRLF ends one
 * line; a lone CR (progress bars) also ends one, so each update shows as its own line instead of
 * overwriting tf's prefix. A line past `maxLineBytes` is emitted in pieces flagged `split`, so
 * memory stays bounded.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** How the last line ended: a lone CR (progress) or LF/CRLF. */
  private lastBreak: 'LF' | 'CR' = 'LF';
  /** The last read ended in CR, so an LF opening the next one makes it a CRLF. */
  private heldCR: 'none' | 'after-text' | 'after-nothing' = 'none';

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {}

  push(chunk: Buffer, emit: LineHandler): void {
    // An empty read says nothing about whether the LF of a CRLF follows: keep waiting for it.
    if (chunk.length === 0) return;
    let start = 0;
    if (this.heldCR !== 'none') {
      const afterText = this.heldCR === 'after-text';
      const crlf = chunk[0] === LF;
      this.heldCR = 'none';
      if (crlf) start = 1;
      // The text before the CR was printed when it came; only the kind of break is left to learn.
      if (afterText) this.lastBreak = crlf ? 'LF' : 'CR';
      else this.endLine(EMPTY, crlf ? 'CRLF' : 'CR', emit);
    }
    // The next CR and the next LF are each looked up again only once passed, so a read stays
    // linear however its line ends mix (a single CR among LFs, or CR-only progress updates).
    let cr = chunk.indexOf(CR, start);
    let lf = chunk.indexOf(LF, start);
    while (start < chunk.length) {
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        this.hold(chunk.subarray(start), emit);
        return;
      }
      let tail = chunk.subarray(start, end);
      // A line can pass the limit even when its end is in sight: cut it as if it had come in pieces.
      if (this.pendingBytes + tail.length > this.maxLineBytes) {
        this.hold(tail, emit);
        tail = tail.subarray(tail.length);
      }
      const line = this.take(tail);
      start = end + 1;
      if (chunk[end] === LF) {
        this.endLine(line, 'LF', emit);
      } else if (start === chunk.length) {
        // CR at the end of a read: print the text now, decide what the break was on the next read.
        if (line.length > 0) emit(line, false);
        this.heldCR = line.length > 0 ? 'after-text' : 'after-nothing';
      } else if (chunk[start] === LF) {
        start++;
        this.endLine(line, 'CRLF', emit);
      } else {
        this.endLine(line, 'CR', emit);
      }
    }
  }

  /**
   * Emits a line by how it ended. An empty line is a blank line after LF or CRLF, but a lone CR
   * with nothing before it only returns to column 0, and so does the CRLF right after a lone CR
   * ("50%\r\r\n"): neither carries a line.
   */
  private endLine(line: Buffer, ending: 'LF' | 'CRLF' | 'CR', emit: LineHandler): void {
    if (line.length > 0 || (ending !== 'CR' && this.lastBreak === 'LF')) emit(line, false);
    this.lastBreak = ending === 'CR' ? 'CR' : 'LF';
  }

  /**
   * The fast path: when nothing odd is held, everything up to a read's last LF is whole lines,
   * returned as one or two parts for the caller to print at once: the held start of a line joined
   * to its end (the only bytes copied), then the read's other whole lines as they are. `rest`
   * (after the last LF) is not consumed: push() it next. The parts may hold CRs: a CRLF ends a
   * line as an LF does (a terminal's every newline), and the caller that meets a lone CR (or any
   * byte needing care) push()es the parts first: nothing is held any more.
   */
  takeBlock(chunk: Buffer): { parts: Buffer[]; rest: Buffer } | undefined {
    if (this.heldCR !== 'none' || this.lastBreak !== 'LF') return undefined;
    if (chunk.length + this.pendingBytes > this.maxLineBytes) return undefined;
    const end = chunk.lastIndexOf(LF) + 1;
    if (end === 0) return undefined;
    const rest = chunk.subarray(end);
    if (this.pendingBytes === 0) return { parts: [chunk.subarray(0, end)], rest };
    const firstEnd = chunk.indexOf(LF) + 1;
    const parts = [this.take(chunk.subarray(0, firstEnd))];
    if (firstEnd < end) parts.push(chunk.subarray(firstEnd, end));
    return { parts, rest };
  }

  /** The last line, if the stream ended without a newline. */
  flush(emit: LineHandler): void {
    if (this.pendingBytes > 0) emit(this.take(Buffer.alloc(0)), false);
  }

  private take(tail: Buffer): Buffer {
    if (this.pendingBytes === 0) return tail;
    const line = Buffer.concat([...this.pending, tail]);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }

  private hold(part: Buffer, emit: LineHandler): void {
    this.pending.push(part);
    this.pendingBytes += part.length;
    while (this.pendingBytes > this.maxLineBytes) {
      const all = Buffer.concat(this.pending);
      const cut = charBoundary(all, this.maxLineBytes);
      emit(all.subarray(0, cut), true);
      const rest = all.subarray(cut);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
    }
  }
}

/** The largest index <= limit that does not fall inside a UTF-8 sequence. */
function charBoundary(bytes: Buffer, limit: number): number {
  let cut = limit;
  while (cut > limit - 4 && cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut > 0 ? cut : limit;
}
