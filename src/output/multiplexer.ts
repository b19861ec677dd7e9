import type { Readable, Writable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { NEEDS_CARE, PrefixKernel } from './prefix-kernel.js';
import { jsonRecord, jsonRecords, lineText, needsCare, printable, SYSTEM, textPrefix, visibleControls, type FormatOptions, type Source, type StreamName } from './format.js';

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
  private closed = false;
  private readonly closedListeners: Array<(error: Error) => void> = [];
  private readonly now: () => number;
  private tapListener: ((data: Buffer | string) => void) | undefined;
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
    if (this.paused) stream.pause();
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
  block(source: Source, parts: readonly Buffer[]): boolean {
    if (this.closed) return true;
    if (this.options.json || !parts.every((part) => isUtf8(part))) return false;
    const prefix = this.prefixEntry(source, this.now());
    if (this.kernel === undefined) this.kernel = PrefixKernel.load() ?? null;
    const prefixed = this.kernel?.prefixLines(prefix.bytes, parts);
    if (prefixed === NEEDS_CARE) return false;
    if (prefixed) {
      this.emit(prefixed);
    } else {
      const text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('latin1');
      if (needsCare(text)) return false;
      // Back to bytes here, so every chunk leaving the multiplexer is UTF-8 (a Buffer or a string).
      this.emit(Buffer.from(prefix.latin1 + text.slice(0, -1).replaceAll('\n', `\n${prefix.latin1}`) + '\n', 'latin1'));
    }
    return true;
  }

  /** tf's own message, from "system" unless it concerns one process. */
  system(text: string, source: Source = SYSTEM): void {
    if (this.closed) return;
    const time = this.now();
    // It may quote a child's lines (its last lines before tf gave up on it): shown, never obeyed.
    this.emit(this.options.json ? jsonRecord(source, 'system', text, time) : `${this.prefix(SYSTEM, time).toString()}${visibleControls(text)}\n`);
  }

  /** Sees every formatted chunk (UTF-8) as it is written (`tf logs`): one listener, no copy made here. */
  tap(listener: (data: Buffer | string) => void): void {
    this.tapListener = listener;
  }

  /** Resolves once everything written so far has reached the sink (or the sink is gone). */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.sink.write('', () => resolve());
    });
  }

  private emit(data: Buffer | string): void {
    this.tapListener?.(data);
    if (!this.sink.write(data) && !this.paused) {
      this.paused = true;
      for (const stream of this.sources) stream.pause();
    }
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const stream of this.sources) stream.resume();
  }

  private close(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    // Nobody reads our output any more: let the children's pipes flow so they can drain and exit.
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
