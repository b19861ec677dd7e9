/** Past this, the oldest output is forgotten: `tf logs` shows the last lines that fit. */
const MAX_TAIL_BYTES = 1 << 20;

/** Gets each chunk as written: decoding is the listener's (a dashboard drops most of a flood undecoded). */
type Listener = (data: Buffer | string) => void;

/**
 * What tf has printed lately, and a feed of what it prints next, for `tf logs`. It holds the
 * multiplexer's chunks as they were written (no copy, no decoding) and decodes only when asked.
 */
export class LogTail {
  /** Chunks before `first` are forgotten; dropping them one by one with shift() was O(n) a write. */
  private chunks: Array<Buffer | string | undefined> = [];
  private first = 0;
  private bytes = 0;
  private readonly listeners = new Set<Listener>();

  write(data: Buffer | string): void {
    this.chunks.push(data);
    this.bytes += data.length;
    while (this.bytes > MAX_TAIL_BYTES && this.chunks.length - this.first > 1) {
      this.bytes -= this.chunks[this.first]!.length;
      this.chunks[this.first++] = undefined;
    }
    if (this.first > 1024 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
    for (const listener of this.listeners) listener(data);
  }

  /** The last `lines` whole lines printed. */
  tail(lines: number): string {
    if (lines === 0) return '';
    const text = this.chunks.slice(this.first).map(String).join('');
    let at = text.length - 1;
    for (let n = 0; n < lines && at >= 0; n++) at = text.lastIndexOf('\n', at - 1);
    // at < 0: fewer lines than asked for; otherwise the newline before the first line we keep.
    return text.slice(at < 0 ? 0 : at + 1);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
  }
}
