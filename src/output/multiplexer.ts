import type { Readable, Writable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { NEEDS_CARE, PrefixKernel } from './prefix-kernel.js';
import { jsonRecord, jsonRecords, lineText, needsCare, printable, SYSTEM, textPrefix, visibleControls, type FormatOptions, type Source, type StreamName } from './format.js';
import { blockText, recordLines, type OutputLine, type OutputRecord } from './record.js';

export interface MultiplexerOptions extends FormatOptions {
  json: boolean;
  now?: () => number;
  /** The fast path's prefixer; null keeps to the string path. Default: loaded on first use. */
  kernel?: PrefixKernel | null;
}

const NEWLINE = Buffer.from('\n');

/**
 * The single writer of tf's output: every line from every process and every message from tf
 * passes through here, is formatted once and written whole, so lines never splice. When the sink
 * cannot keep up, the sources are paused (the children then block on their pipes) rather than
 * buffering without bound. A closed sink (EPIPE from `tf start | head`) is reported once.
 */
export class Multiplexer {
  private width = SYSTEM.name.length;
  private readonly prefixes = new Map<string, { second: number; width: number; bytes: Buffer; latin1: string }>();
  private readonly sources = new Set<Readable>();
  private paused = false;
  /** Held by the log files while their disk is behind: the sources pause as for a slow sink. */
  private held = false;
  private closed = false;
  private readonly closedListeners: Array<(error: Error) => void> = [];
  private readonly now: () => number;
  private readonly recordListeners: Array<(record: OutputRecord) => void> = [];
  private kernel: PrefixKernel | null | undefined;

  constructor(
    private readonly sink: Writable,
    private readonly options: MultiplexerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.kernel = options.kernel;
    sink.on('drain', () => this.resume());
    sink.on('error', (error: Error) => this.close(error));
  }

  /** Widens the name column so every name lines up. */
  reserve(names: Iterable<string>): void {
    for (const name of names) this.width = Math.max(this.width, name.length);
  }

  /** Registers a child's stream so backpressure can pause it. */
  track(stream: Readable): void {
    this.sources.add(stream);
    if (this.paused || this.held) stream.pause();
  }

  untrack(stream: Readable): void {
    this.sources.delete(stream);
  }

  onClosed(listener: (error: Error) => void): void {
    this.closedListeners.push(listener);
  }

  /** Whether block() can ever take a block: not with JSON output, which formats line by line. */
  get takesBlocks(): boolean {
    return !this.options.json;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  lines(source: Source, stream: StreamName, lines: readonly Buffer[]): void {
    if (this.closed || lines.length === 0) return;
    const time = this.now();
    this.record({ kind: 'lines', source, stream, time, lines });
    if (this.options.json) {
      this.emit(jsonRecords(source, stream, lines.map(lineText), time));
      return;
    }
    const prefix = this.prefix(source, time);
    const parts: Buffer[] = [];
    for (const line of lines) {
      const safe = printable(line);
      parts.push(prefix, typeof safe === 'string' ? Buffer.from(safe) : safe, NEWLINE);
    }
    this.emit(Buffer.concat(parts));
  }

  /**
   * The fast path for the common case: blocks of whole lines, each ending in LF, prefixed all at
   * once and written as one chunk, by the WebAssembly kernel or else with one string operation
   * (the prefix is ASCII, so a latin1 round trip leaves every byte of the lines as it was).
   * Returns false, writing nothing, when the lines need care one by one: JSON output, invalid
   * UTF-8, or a control character (which the kernel finds in the same memory, at ~no cost). The
   * kernel also takes CRLF line ends (a terminal's: tty mode), printing them as LF.
   */
  block(source: Source, parts: readonly Buffer[], stream: StreamName = 'stdout'): boolean {
    if (this.closed) return true;
    if (this.options.json || !parts.every((part) => isUtf8(part))) return false;
    const time = this.now();
    const prefix = this.prefixEntry(source, time);
    if (this.kernel === undefined) this.kernel = PrefixKernel.load() ?? null;
    const prefixed = this.kernel?.prefixLines(prefix.bytes, parts);
    if (prefixed === NEEDS_CARE) return false;
    if (prefixed) {
      this.record({ kind: 'block', source, stream, time, parts });
      this.emit(prefixed);
    } else {
      const text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('latin1');
      if (needsCare(text)) return false;
      this.record({ kind: 'block', source, stream, time, parts });
      // Back to bytes here, so every chunk leaving the multiplexer is UTF-8 (a Buffer or a string).
      this.emit(prefixLatin1(prefix.latin1, text));
    }
    return true;
  }

  /** tf's own message, from "system" unless it concerns one process. */
  system(text: string, source: Source = SYSTEM): void {
    if (this.closed) return;
    const time = this.now();
    this.record({ kind: 'system', source, stream: 'system', time, text });
    // It may quote a child's lines (its last lines before tf gave up on it): shown, never obeyed.
    this.emit(this.options.json ? jsonRecord(source, 'system', text, time) : `${this.prefix(SYSTEM, time).toString()}${visibleControls(text)}\n`);
  }

  /**
   * Sees every record as it is printed, before its formatted text is written (the log tail, the
   * log files): no copy made here, so a listener must not keep what it is given mutable.
   */
  onRecord(listener: (record: OutputRecord) => void): void {
    this.recordListeners.push(listener);
  }

  /** Lines as this multiplexer prints them (prefix, colours, --json), for `tf logs` to replay. */
  render(lines: readonly OutputLine[]): string {
    let out = '';
    for (const { source, stream, time, text } of lines) {
      if (stream === 'system') out += this.options.json ? jsonRecord(source, 'system', String(text), time) : `${this.prefix(SYSTEM, time).toString()}${visibleControls(String(text))}\n`;
      else if (this.options.json) out += jsonRecord(source, stream, typeof text === 'string' ? text : lineText(text), time);
      else out += `${this.prefix(source, time).toString()}${String(typeof text === 'string' ? text : printable(text))}\n`;
    }
    return out;
  }

  /**
   * A record as this multiplexer printed it, with `lead` before each line (the dashboard's
   * event-stream `data: `). A block of the fast path is prefixed in one string operation, as it
   * was printed, not line by line: the dashboard renders a flood's worth of them.
   */
  renderRecord(record: OutputRecord, lead = ''): string {
    if (record.kind !== 'block' || this.options.json) {
      const text = this.render(recordLines(record));
      return lead === '' ? text : lead + text.slice(0, -1).replaceAll('\n', `\n${lead}`) + '\n';
    }
    const prefix = lead + this.prefix(record.source, record.time).toString();
    let out = '';
    for (const part of record.parts) out += prefix + blockText(part).slice(0, -1).replaceAll('\n', `\n${prefix}`) + '\n';
    return out;
  }

  /**
   * renderRecord into bytes where it can: a fast-path block goes through the kernel again, as it
   * went to the terminal, so no string is made of a flood.
   */
  renderRecordBytes(record: OutputRecord, lead: Buffer): Buffer | string {
    if (record.kind === 'block' && !this.options.json && this.kernel) {
      const bytes = this.kernel.prefixLines(Buffer.concat([lead, this.prefix(record.source, record.time)]), record.parts);
      if (bytes instanceof Buffer) return bytes;
    }
    return this.renderRecord(record, lead.toString());
  }

  /** Resolves once everything written so far has reached the sink (or the sink is gone). */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.sink.write('', () => resolve());
    });
  }

  private record(record: OutputRecord): void {
    for (const listener of this.recordListeners) listener(record);
  }

  private emit(data: Buffer | string): void {
    if (!this.sink.write(data) && !this.paused) {
      this.paused = true;
      for (const stream of this.sources) stream.pause();
    }
  }

  /** Pauses the sources while held, as a sink that cannot keep up does; never past the sink's own closing. */
  hold(held: boolean): void {
    if (this.held === held || (held && this.closed)) return;
    this.held = held;
    if (held) for (const stream of this.sources) stream.pause();
    else if (!this.paused) for (const stream of this.sources) stream.resume();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.held) for (const stream of this.sources) stream.resume();
  }

  private close(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    // Nobody reads our output any more: let the children's pipes flow so they can drain and exit.
    this.hold(false);
    this.resume();
    for (const listener of this.closedListeners) listener(error);
  }

  private prefix(source: Source, time: number): Buffer {
    return this.prefixEntry(source, time).bytes;
  }

  private prefixEntry(source: Source, time: number): { second: number; width: number; bytes: Buffer; latin1: string } {
    // Without timestamps a prefix never changes: one per source, not one per source a second.
    const second = this.options.timestamps ? Math.floor(time / 1000) : 0;
    const cached = this.prefixes.get(source.name);
    if (cached && cached.second === second && cached.width === this.width) return cached;
    const bytes = Buffer.from(textPrefix(source, this.width, time, this.options));
    const entry = { second, width: this.width, bytes, latin1: bytes.toString('latin1') };
    this.prefixes.set(source.name, entry);
    return entry;
  }
}

/** Each line of `text` (whole lines, latin1-read) after `prefix`, as bytes: one string operation. */
function prefixLatin1(prefix: string, text: string): Buffer {
  return Buffer.from(prefix + text.slice(0, -1).replaceAll('\n', `\n${prefix}`) + '\n', 'latin1');
}
