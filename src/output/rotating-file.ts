import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { errnoCode } from '../util/errors.js';
import type { QueueBudget } from './queue-budget.js';

/** What a file reports: lines it could not write, and the first reason. */
export interface Loss {
  file: string;
  lines: number;
  /** An fs error, or undefined for lines dropped because the disk fell too far behind. */
  error?: Error;
}

const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

/** A write the disk took only part of: `kept` bytes of whole lines stay in the file. */
class CutShort extends Error {
  constructor(
    readonly kept: number,
    override readonly cause: Error,
  ) {
    super(cause.message);
  }
}
/** One write of at most this much: the queue drains in steps, so a rotation comes on time. */
const BATCH_BYTES = 1 << 20;

/**
 * One log file (`web.1.log`), appended to by a queue and written in the background, so a slow or
 * full disk never holds up tf's terminal. Rotated by size at a line boundary: web.1.log becomes
 * web.1.log.1 (and .1 becomes .2, up to `keep`; the oldest is removed), so a line is never split
 * across two files. A line longer than the size alone fills a file of its own.
 */
export class RotatingFile {
  private queue: string[] = [];
  private queuedBytes = 0;
  private handle: FileHandle | undefined;
  private size = 0;
  private pumping: Promise<void> | undefined;
  private closed = false;
  private abandoned = false;
  /** The lines taken off the queue and not yet written: counted if the disk is given up on. */
  private unwritten: Buffer = EMPTY;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
    private readonly budget: QueueBudget,
    private readonly lost: (loss: Loss) => void,
  ) {}

  /** Queues whole lines (each ending in LF); drops them, counted, when the queue is full. */
  append(text: string): void {
    if (this.closed) return;
    if (!this.budget.take(text.length)) {
      this.lost({ file: this.path, lines: countLines(text) });
      return;
    }
    this.queue.push(text);
    this.queuedBytes += text.length;
    this.kick();
  }

  private kick(): void {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  /** Writes what is queued, then closes the file (however long a disk that keeps taking lines needs). */
  async close(): Promise<void> {
    this.closed = true;
    await this.pumping;
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
  }

  /**
   * Gives up on a disk that takes nothing: what is queued or not yet written (the write under way
   * included, which may never finish) is counted as lost, and nothing more is written.
   */
  abandon(): void {
    this.closed = true;
    this.abandoned = true;
    const text = this.takeQueue();
    const lines = countLines(text) + countLines(this.unwritten);
    this.unwritten = EMPTY;
    if (lines > 0) this.lost({ file: this.path, lines, error: new Error('the disk did not take them before tf exited') });
    this.release(text);
  }

  /** What is queued, taken off the queue; it still counts against the budget until `release`d. */
  private takeQueue(): string {
    const text = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    return text;
  }

  private release(text: string): void {
    this.budget.give(text.length);
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && !this.abandoned) {
      const text = this.takeQueue();
      this.unwritten = Buffer.from(text);
      while (this.unwritten.length > 0 && !this.abandoned) {
        const written = await this.writeLines(this.unwritten.subarray(0, cutAt(this.unwritten, BATCH_BYTES) || this.unwritten.length));
        if (this.abandoned) break;
        this.unwritten = this.unwritten.subarray(written);
        this.budget.progressed();
      }
      this.release(text);
    }
  }

  /**
   * Writes the lines of `bytes` that fit the current file, rotating first when none does; returns
   * how many bytes it consumed (written or counted as lost), always whole lines.
   */
  private async writeLines(bytes: Buffer): Promise<number> {
    try {
      if (!this.handle) await this.openFile();
      let take = cutAt(bytes, this.maxBytes - this.size);
      if (take <= 0 && this.size > 0) {
        await this.rotate();
        take = cutAt(bytes, this.maxBytes);
      }
      // A line longer than a whole file: it goes alone into one, whole.
      if (take <= 0) take = bytes.indexOf(LF) + 1 || bytes.length;
      await this.writeAll(bytes.subarray(0, take));
      return take;
    } catch (error) {
      const kept = error instanceof CutShort ? error.kept : 0;
      this.lost({ file: this.path, lines: countLines(bytes.subarray(kept)), error: error instanceof CutShort ? error.cause : (error as Error) });
      return bytes.length;
    }
  }

  /**
   * Writes the lines; when the disk cuts a write short, what was written past the last whole line
   * is undone, so no half line stays in the file (CutShort says how much was kept).
   */
  private async writeAll(bytes: Buffer): Promise<void> {
    const handle = this.handle!;
    let done = 0;
    try {
      while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
      this.size += done;
    } catch (error) {
      // (lastIndexOf reads a negative offset from the end: nothing written keeps nothing.)
      const kept = done === 0 ? 0 : bytes.lastIndexOf(LF, done - 1) + 1;
      if (done > kept) await handle.truncate(this.size + kept).catch(() => {});
      this.size += kept;
      throw new CutShort(kept, error as Error);
    }
  }

  private async openFile(): Promise<void> {
    this.handle = await open(this.path, 'a', 0o600);
    this.size = (await this.handle.stat()).size;
  }

  /** web.1.log -> web.1.log.1 -> ... -> web.1.log.KEEP (removed past it), then a new web.1.log. */
  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    if (this.keep === 0) await unlink(this.path).catch(ignoreMissing);
    for (let n = this.keep; n >= 1; n--) await rename(n === 1 ? this.path : `${this.path}.${n - 1}`, `${this.path}.${n}`).catch(ignoreMissing);
    await this.openFile();
  }
}

/** The end of the last whole line within the first `limit` bytes; 0 when the first line is longer. */
function cutAt(bytes: Buffer, limit: number): number {
  if (limit <= 0) return 0;
  if (bytes.length <= limit) return bytes.length;
  return bytes.lastIndexOf(LF, limit - 1) + 1;
}

function countLines(text: string | Buffer): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function ignoreMissing(error: unknown): void {
  if (errnoCode(error) !== 'ENOENT') throw error;
}
