import type { Readable, Writable } from 'node:stream';
import { jsonRecord, lineText, printable, SYSTEM, textPrefix, type FormatOptions, type Source, type StreamName } from './format.js';

export interface MultiplexerOptions extends FormatOptions {
  json: boolean;
  now?: () => number;
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
  private readonly prefixes = new Map<string, { second: number; width: number; bytes: Buffer }>();
  private readonly sources = new Set<Readable>();
  private paused = false;
  private closed = false;
  private readonly closedListeners: Array<(error: Error) => void> = [];
  private readonly now: () => number;

  constructor(
    private readonly sink: Writable,
    private readonly options: MultiplexerOptions,
  ) {
    this.now = options.now ?? Date.now;
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

  get isClosed(): boolean {
    return this.closed;
  }

  lines(source: Source, stream: StreamName, lines: readonly Buffer[]): void {
    if (this.closed || lines.length === 0) return;
    const time = this.now();
    if (this.options.json) {
      this.emit(lines.map((line) => jsonRecord(source, stream, lineText(line), time)).join(''));
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

  /** tf's own message, from "system" unless it concerns one process. */
  system(text: string, source: Source = SYSTEM): void {
    if (this.closed) return;
    const time = this.now();
    this.emit(this.options.json ? jsonRecord(source, 'system', text, time) : `${this.prefix(SYSTEM, time).toString()}${text}\n`);
  }

  /** Resolves once everything written so far has reached the sink (or the sink is gone). */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.sink.write('', () => resolve());
    });
  }

  private emit(data: Buffer | string): void {
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
    const second = Math.floor(time / 1000);
    const cached = this.prefixes.get(source.name);
    if (cached && cached.second === second && cached.width === this.width) return cached.bytes;
    const bytes = Buffer.from(textPrefix(source, this.width, time, this.options));
    this.prefixes.set(source.name, { second, width: this.width, bytes });
    return bytes;
  }
}
