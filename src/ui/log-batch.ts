import type { LogFeed } from './events.js';

/**
 * At most this much log text a batch (2.5 MiB/s, some 25,000 lines a second): more than a page
 * can show, so a flood past it is dropped here, once for every tab, before any rendering.
 */
export const LOG_BATCH_BYTES = 256 * 1024;
/** One batch: its lines as event-stream data lines, in the chunks they were made in. */
export interface LogFrame {
  chunks: Array<Buffer | string>;
  /** The chunks' size on the wire, for the tab's bound. */
  size: number;
  /** The printed bytes it holds (the items' sizes): what a gap counts when the frame is dropped. */
  bytes: number;
}

/** One batch, and how much was dropped after it. */
export interface TakenLogs {
  frame: LogFrame;
  dropped: number;
}

/**
 * The log text waiting for the next batch. It holds the feed's items (no copy, no text) and
 * renders them only when taken, as bytes where it can (a flood's blocks): strings made by the
 * batch, a quarter of a megabyte every tenth of a second, cost tf more in collections than the
 * rest of the dashboard together. Once the batch is full, or no tab would take it, it stops
 * listening: a flood's remaining records cost it nothing, not even a call, and are counted at the
 * next take from how far the feed has written.
 */
export class LogBatch<T> {
  private items: T[] = [];
  private bytes = 0;
  private dropped = 0;
  private unsubscribe: (() => void) | undefined;
  /** Where the feed stood when this batch stopped listening; undefined while it listens (or is off). */
  private pausedAt: number | undefined;

  constructor(
    private readonly feed: LogFeed<T>,
    /** Whether some tab takes log text now (not every tab is waiting for its gap to go out). */
    private readonly taken: () => boolean,
  ) {}

  get on(): boolean {
    return this.unsubscribe !== undefined || this.pausedAt !== undefined;
  }

  start(): void {
    if (!this.on) this.listen();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.pausedAt = undefined;
    this.items = [];
    this.bytes = 0;
    this.dropped = 0;
  }

  /** The batch so far, rendered, and what was dropped after it; the next batch starts (and listens) now. */
  take(): TakenLogs {
    if (this.pausedAt !== undefined) {
      this.dropped += this.feed.written() - this.pausedAt;
      this.pausedAt = undefined;
      this.listen();
    }
    const taken = { frame: this.render(), dropped: this.dropped };
    this.items = [];
    this.bytes = 0;
    this.dropped = 0;
    return taken;
  }

  private listen(): void {
    this.unsubscribe = this.feed.subscribe((item, bytes) => this.collect(item, bytes));
  }

  private collect(item: T, bytes: number): void {
    // A first item larger than a batch still goes: one long line is not a flood.
    if ((this.items.length > 0 && this.bytes + bytes > LOG_BATCH_BYTES) || !this.taken()) {
      this.dropped += bytes;
      this.pause();
      return;
    }
    this.items.push(item);
    this.bytes += bytes;
  }

  private pause(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.pausedAt = this.feed.written();
  }

  private render(): LogFrame {
    const chunks = this.items.map((item) => this.feed.render(item));
    let size = 0;
    for (const chunk of chunks) size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    return { chunks, size, bytes: this.bytes };
  }
}
