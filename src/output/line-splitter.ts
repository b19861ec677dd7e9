const LF = 0x0a;
const CR = 0x0d;

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
  private skipLeadingLF = false;

  constructor(private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {}

  push(chunk: Buffer, emit: LineHandler): void {
    let start = 0;
    // An empty read says nothing about whether the LF of a CRLF follows: keep waiting for it.
    if (this.skipLeadingLF && chunk.length > 0) {
      this.skipLeadingLF = false;
      if (chunk[0] === LF) start = 1;
    }
    const hasCR = chunk.indexOf(CR, start) !== -1;
    while (start < chunk.length) {
      const end = hasCR ? nextBreak(chunk, start) : chunk.indexOf(LF, start);
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
      if (chunk[end] === CR) {
        if (start === chunk.length) this.skipLeadingLF = true;
        else if (chunk[start] === LF) start++;
        // A CR that only returns to column 0 (no text before it) carries no line.
        if (line.length === 0) continue;
      }
      emit(line, false);
    }
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

function nextBreak(chunk: Buffer, from: number): number {
  for (let i = from; i < chunk.length; i++) {
    const byte = chunk[i];
    if (byte === LF || byte === CR) return i;
  }
  return -1;
}

/** The largest index <= limit that does not fall inside a UTF-8 sequence. */
function charBoundary(bytes: Buffer, limit: number): number {
  let cut = limit;
  while (cut > limit - 4 && cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut > 0 ? cut : limit;
}
