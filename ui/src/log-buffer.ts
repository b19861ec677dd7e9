// The page's bounded log buffer: whatever tf sends, the page never holds more than `capacity`
// lines (issue 14: a 10,000-lines-a-second flood must not grow the tab's memory).
import { parseLine, type Line } from './ansi';

export class LogBuffer {
  private lines: Line[] = [];
  /** The text after the last newline of the last chunk: the rest of that line comes next. */
  private partial = '';
  private seq = 0;
  /** Bumped on every change, so views know when to recompute. */
  version = 0;
  /** Lines dropped off the front since the last clear. */
  dropped = 0;

  constructor(public capacity: number) {}

  get size(): number {
    return this.lines.length;
  }

  all(): readonly Line[] {
    return this.lines;
  }

  /** Appends a chunk of the stream; `accept` picks the lines this buffer keeps. */
  append(text: string, accept?: (line: Line) => boolean): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > 65_536) {
      parts.push(this.partial);
      this.partial = '';
    }
    // Only the newest `capacity` lines of a huge chunk can survive: parse no more than those.
    const start = accept ? 0 : Math.max(0, parts.length - this.capacity);
    this.dropped += start;
    for (let i = start; i < parts.length; i++) {
      const line = parseLine(parts[i].replace(/\r$/, ''), this.seq++);
      if (!accept || accept(line)) this.lines.push(line);
    }
    this.trim();
    this.version++;
  }

  /** Replaces everything (a refetched tail). */
  reset(text: string, accept?: (line: Line) => boolean): void {
    this.lines = [];
    this.partial = '';
    this.dropped = 0;
    this.append(text.endsWith('\n') || text === '' ? text : `${text}\n`, accept);
  }

  setCapacity(capacity: number): void {
    this.capacity = capacity;
    this.trim();
    this.version++;
  }

  private trim(): void {
    // Appends come in batches (~100 ms of the stream), so one splice per batch is cheap.
    if (this.lines.length > this.capacity) this.cut();
  }

  private cut(): void {
    const extra = this.lines.length - this.capacity;
    this.lines.splice(0, extra);
    this.dropped += extra;
  }
}
