import type { Writable } from 'node:stream';
import type { TerminalSize } from '../platform/containment.js';
import { TfError } from '../util/errors.js';

/** The size a process's terminal gets when tf itself has none (cron, CI, a pipe). */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { rows: 24, cols: 80 };
/** Enough raw output for the last screenful of a tall terminal (`tf attach` replays it). */
const TAIL_BYTES = 64 * 1024;
const LF = 0x0a;
/** A prompt left this long with nobody attached gets a notice (a debugger is not a hang). */
const PROMPT_IDLE_MS = 1000;

/** Someone attached to a process's terminal: it gets the raw output as it comes. */
export type Viewer = (data: Buffer) => void;

/**
 * The terminal of one tty-mode process, as `tf attach` sees it: its raw output (unprefixed,
 * unfiltered) for whoever is attached, the keystrokes of the most recent attacher, its size.
 */
export class Terminal {
  private readonly tail = new ByteRing(TAIL_BYTES);
  /** In the order they attached: the last one types. */
  private readonly viewers: Viewer[] = [];
  private readonly ends = new Map<Viewer, () => void>();
  private closed = false;
  private idle: NodeJS.Timeout | undefined;
  /** Told of each output (tf start's live line of the process its keyboard goes to). */
  private readonly watchers = new Set<() => void>();

  constructor(
    private readonly resizer: (size: TerminalSize) => void,
    private readonly input: Writable,
    /** Called when output ending without a newline (a prompt) was followed by a second of silence, nobody attached. */
    private readonly onPrompt: () => void = () => {},
  ) {}

  /** Raw output just read from the terminal. */
  output(chunk: Buffer): void {
    if (chunk.length > 0 && chunk[chunk.length - 1] !== LF) {
      // One timer per process, pushed back by each read: a fast printer makes no timer per read.
      if (this.idle) this.idle.refresh();
      else this.idle = setTimeout(() => this.promptIdle(), PROMPT_IDLE_MS).unref();
    } else {
      clearTimeout(this.idle);
      this.idle = undefined;
    }
    this.tail.push(chunk);
    for (const viewer of this.viewers) viewer(chunk);
    for (const watcher of this.watchers) watcher();
  }

  /** Calls LISTENER after each output; returns its stop. */
  watch(listener: () => void): () => void {
    this.watchers.add(listener);
    return () => void this.watchers.delete(listener);
  }

  /** The output since the last newline: a prompt, and what was typed at it. */
  partialLine(): Buffer {
    return this.tail.sinceLast(LF);
  }

  private promptIdle(): void {
    this.idle = undefined;
    // Watched, the prompt is on show already (tf start's live line, where its keyboard goes).
    if (!this.attached && !this.closed && this.watchers.size === 0) this.onPrompt();
  }

  /** The last ROWS lines of raw output (the screenful `tf attach` shows first). */
  lastLines(rows: number): Buffer {
    const tail = this.tail.contents();
    let at = tail.length;
    // A last line still being written (a prompt) counts as one of them.
    if (tail[at - 1] === LF) at--;
    for (let seen = 0; seen < rows && at > 0; seen++) at = tail.lastIndexOf(LF, at - 1);
    return tail.subarray(at < 0 ? 0 : at + 1);
  }

  /** VIEWER gets the output from now on and becomes the one who types; ONEND runs when the process ends. Returns its detach. */
  attach(viewer: Viewer, onEnd: () => void): () => void {
    if (this.closed) {
      onEnd();
      return () => {};
    }
    this.viewers.push(viewer);
    this.ends.set(viewer, onEnd);
    return () => {
      const at = this.viewers.indexOf(viewer);
      if (at !== -1) this.viewers.splice(at, 1);
      this.ends.delete(viewer);
    };
  }

  get attached(): boolean {
    return this.viewers.length > 0;
  }

  /** Keystrokes: only the most recent attacher's reach the process; tf start's own (FROM undefined) only while nobody is attached. */
  write(from: Viewer | undefined, data: Buffer): void {
    if (this.viewers.at(-1) === from && this.input.writable) this.input.write(data);
  }

  resize(size: TerminalSize): void {
    this.resizer(size);
  }

  /** The process is gone: nobody can type to it any more. */
  close(): void {
    this.closed = true;
    clearTimeout(this.idle);
    this.input.destroy();
    for (const end of [...this.ends.values()]) end();
    this.ends.clear();
    this.viewers.length = 0;
  }
}

/**
 * The last SIZE bytes written, in one buffer allocated on first use and written round: a process
 * printing fast pays a copy of what it printed, not of the whole tail, per read.
 */
export class ByteRing {
  private bytes: Buffer | undefined;
  /** Where the next byte goes. */
  private end = 0;
  private full = false;

  constructor(private readonly size: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const bytes = (this.bytes ??= Buffer.allocUnsafe(this.size));
    if (chunk.length >= this.size) {
      chunk.copy(bytes, 0, chunk.length - this.size);
      this.end = 0;
      this.full = true;
      return;
    }
    const first = chunk.copy(bytes, this.end);
    if (first < chunk.length) chunk.copy(bytes, 0, first);
    if (this.end + chunk.length >= this.size) this.full = true;
    this.end = (this.end + chunk.length) % this.size;
  }

  /** What follows the last BYTE (all it holds if none), as a new buffer; copies only that much when it can. */
  sinceLast(byte: number): Buffer {
    if (!this.bytes) return Buffer.alloc(0);
    const recent = this.bytes.lastIndexOf(byte, this.end - 1);
    if (this.end > 0 && recent !== -1) return Buffer.from(this.bytes.subarray(recent + 1, this.end));
    const all = this.contents();
    return all.subarray(all.lastIndexOf(byte) + 1);
  }

  /** What it holds, oldest first, as a new buffer. */
  contents(): Buffer {
    if (!this.bytes) return Buffer.alloc(0);
    return this.full ? Buffer.concat([this.bytes.subarray(this.end), this.bytes.subarray(0, this.end)]) : Buffer.from(this.bytes.subarray(0, this.end));
  }
}

/** What findTerminal needs of a slot. */
interface TerminalSlot {
  spec: { name: string; type: string; tty?: boolean };
  live: boolean;
  handle: { terminal: Terminal | undefined } | undefined;
}

/** The terminal `tf attach TARGET` means: a process name (web.1), or a type that runs exactly one. */
export function findTerminal(target: string, slots: readonly TerminalSlot[]): { name: string; terminal: Terminal } {
  const named = slots.filter((slot) => slot.spec.name === target);
  const ofType = slots.filter((slot) => slot.spec.type === target);
  const slot = named[0] ?? (ofType.length === 1 ? ofType[0] : undefined);
  if (!slot && ofType.length > 1) throw new TfError(`${target} runs ${ofType.length} processes: attach to one of them`, `e.g. tf attach ${ofType[0]!.spec.name}`);
  if (!slot) throw new TfError(`no process or type named "${target}" is running`, `running: ${[...new Set(slots.map((s) => s.spec.name))].join(', ') || 'nothing'}`);
  const name = slot.spec.name;
  if (!slot.spec.tty) throw new TfError(`${name} has no terminal (its output is piped)`, `set tty: true for ${slot.spec.type} in tf.yml (or run tf start --tty), then restart it`);
  const terminal = slot.live ? slot.handle?.terminal : undefined;
  if (!terminal) throw new TfError(`${name} is not running`, `start it with tf restart ${name}`);
  return { name, terminal };
}
