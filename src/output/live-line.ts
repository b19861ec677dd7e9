import { Writable } from 'node:stream';
import { printable, textPrefix, type FormatOptions, type Source } from './format.js';

/** Back to the start of the row, and clear it. */
const ERASE = '\r\x1b[K';
const CR = 0x0d;
const SGR = /\x1b\[[\d;]*m/g;

/** TEXT as a terminal leaves it after its backspaces (its line editing echoes "\b \b" to erase). */
function erased(text: string): string {
  const chars: string[] = [];
  for (const char of text) {
    if (char === '\b') chars.pop();
    else chars.push(char);
  }
  return chars.join('');
}

/** The process whose unfinished line shows: its name and colour, and its terminal. */
export interface LiveSource {
  source: Source;
  terminal: { partialLine(): Buffer; watch(listener: () => void): () => void };
}

/**
 * tf's output with one more line at its bottom while tf start's keyboard goes to a process: that
 * process's unfinished line (its prompt, and what you type, which its terminal echoes), which the
 * merged stream shows only once it ends. Each write of the merged stream erases it first and draws
 * it again after, so lines never mix. Only for a terminal (it moves the cursor).
 */
export class LiveLine extends Writable {
  private drawn = '';
  private watched: LiveSource | undefined;
  private unwatch = (): void => {};

  constructor(
    private readonly out: NodeJS.WriteStream,
    /** The process the keyboard goes to now (it changes when that process restarts). */
    private readonly find: () => LiveSource | undefined,
    private readonly width: number,
    private readonly options: FormatOptions,
  ) {
    super();
    // The multiplexer learns of a reader gone (EPIPE) from this stream, as it would from stdout.
    out.on('error', (error) => this.destroy(error));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.follow();
    const next = this.line();
    if (chunk.length === 0 && next === this.drawn) {
      this.out.write(chunk, done);
      return;
    }
    this.out.write(Buffer.concat([Buffer.from(this.drawn ? ERASE : ''), chunk, Buffer.from(next)]), done);
    this.drawn = next;
  }

  /** Erases the line for good (tf stops). */
  close(): void {
    this.unwatch();
    this.watched = undefined;
    if (this.drawn && this.out.writable) this.out.write(ERASE);
    this.drawn = '';
  }

  /** Watches the terminal of the process the keyboard goes to now. */
  private follow(): void {
    const live = this.find();
    if (live?.terminal === this.watched?.terminal) return;
    this.unwatch();
    this.watched = live;
    this.unwatch = live ? live.terminal.watch(() => this.redraw()) : (): void => {};
  }

  /** Its output changed: draw the new line now, unless a write pending will. */
  private redraw(): void {
    if (this.writableLength > 0 || this.destroyed) return;
    const next = this.line();
    if (next === this.drawn) return;
    this.out.write(`${this.drawn ? ERASE : ''}${next}`);
    this.drawn = next;
  }

  /** The prefixed unfinished line, its controls shown as text, cut to the terminal's width (a wrapped line could not be erased). */
  private line(): string {
    if (!this.watched) return '';
    const partial = this.watched.terminal.partialLine();
    // What a CR went back over is overwritten on the process's terminal too (a redrawn prompt).
    const shown = partial.subarray(partial.lastIndexOf(CR) + 1);
    if (shown.length === 0) return '';
    const prefix = textPrefix(this.watched.source, this.width, Date.now(), this.options);
    const text = printable(Buffer.from(erased(shown.toString()).replace(SGR, ''))).toString();
    const room = Math.max(0, (this.out.columns || 80) - prefix.replace(SGR, '').length - 1);
    return `${prefix}${[...text].slice(-room).join('')}`;
  }
}
