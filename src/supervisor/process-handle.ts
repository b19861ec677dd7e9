import type { Readable, Writable } from 'node:stream';
import type { ProcessSpec } from '../formation/formation.js';
import { lineText, type Source, type StreamName } from '../output/format.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../output/line-splitter.js';
import type { Multiplexer } from '../output/multiplexer.js';
import type { Contained, Daemon, TerminalSize } from '../platform/containment.js';
import { commandName } from '../platform/proc.js';
import type { TreeRoot } from '../metrics/tree-usage.js';
import { spawnEnvironment, type Spawn } from './spawner.js';
import { DEFAULT_TERMINAL_SIZE, Terminal } from './terminal.js';
import { realTimers, type Timers } from './timers.js';

export interface HandleEvents {
  /** It runs, as handle.pid. */
  onSpawn?(handle: ProcessHandle): void;
  /** It exited 0 leaving DAEMONS running outside its group; the handle now stands for them. */
  onDaemonized?(handle: ProcessHandle, daemons: Daemon[]): void;
  /** The program just exited; its last output may still be in the pipe (onExit follows once it is read). */
  onProgramExit?(handle: ProcessHandle): void;
  /** The process's shell exited and what it printed before has been read (its group may still hold children). */
  onExit(handle: ProcessHandle, code: number | null, signal: NodeJS.Signals | null): void;
  /** The process exited and all its output has been read. */
  onDone(handle: ProcessHandle): void;
}

export interface HandleDeps {
  spawn: Spawn;
  output: Multiplexer;
  /** Added to the spec's env: the supervisor's marker, FORCE_COLOR. */
  extraEnv: Record<string, string>;
  maxLineBytes?: number;
  events: HandleEvents;
  /**
   * A process that exits 0 leaving daemons (found only with the shim) keeps running as those daemons
   * until they end (tf start). Otherwise its exit is its end, and tf kills the rest.
   */
  keepDaemons?: boolean;
  timers?: Timers;
  /** The capacity of its output pipes (spawner.ts pipeBytesFor). */
  pipeBytes?: number;
  /** The size of tf's own terminal, which a tty-mode process's terminal starts with. */
  terminalSize?: () => TerminalSize | undefined;
}

const RECENT_LINES = 10;
const RECENT_BYTES = 4096;
const NEWLINE = Buffer.from('\n');
/** The end of a line in output kept as read: LF, or a terminal's CRLF. */
const LINE_END = /\r?\n/;
/**
 * How long an exit waits for the output before it to be read, unless tf's own output holds the pipes
 * paused. Its pipes end as soon as nothing holds them; only something that escaped the tree (portable
 * mode) or a member of its group still draining can hold them longer.
 */
const OUTPUT_AFTER_EXIT_MS = 1000;

/** One run of one process: spawns it, reads its output into the multiplexer, signals it. No policy. */
export class ProcessHandle {
  readonly source: Source;
  pid: number | undefined;
  startedAt = 0;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  spawnError: Error | undefined;
  /** Its exit has been reported: the program exited and the output it printed before has been read. */
  exited = false;
  private exiting = false;
  private outputRead: (() => void) | undefined;
  done = false;
  /** What it left running when it exited 0 and that now stands for it (tf ps shows the first). */
  daemons: Daemon[] = [];
  /** The tail of its output, kept for the last lines shown when tf gives up restarting it. */
  private recentOutput = Buffer.alloc(0);
  /** Only the restart policy ever shows those lines; nobody else pays a copy per read for them. */
  private readonly keepsRecent: boolean;
  private readonly streams: Readable[] = [];
  private openStreams = 0;
  private contained: Contained | undefined;
  private isGone = false;
  private goneWaiters: Array<() => void> = [];
  /** tty mode: its terminal, once it runs. */
  terminal: Terminal | undefined;
  /** A pending `ready: "line /re/"` check; returns true once a line matched. */
  private lineCheck: ((line: string) => boolean) | undefined;

  constructor(
    readonly spec: ProcessSpec,
    private readonly deps: HandleDeps,
  ) {
    this.source = { name: spec.name, typeIndex: spec.typeIndex };
    this.keepsRecent = spec.restart.kind === 'restart';
  }

  start(now: number): void {
    this.startedAt = now;
    const env = spawnEnvironment(this.spec.env, this.deps.extraEnv);
    this.contained = this.deps.spawn(
      { command: this.spec.command, cwd: this.spec.cwd, env, pipeBytes: this.deps.pipeBytes, ...(this.spec.tty ? { tty: this.deps.terminalSize?.() ?? DEFAULT_TERMINAL_SIZE } : {}) },
      {
        onSpawn: (pid, stdout, stderr, input) => this.spawned(pid, stdout, stderr, input),
        onError: (error) => (this.spawnError = error),
        onExit: (code, signal, daemons) => this.programExited(code, signal, daemons),
        onGone: (code, signal) => this.gone(code, signal),
      },
    );
  }

  private spawned(pid: number, stdout: Readable | undefined, stderr: Readable | undefined, input: Writable | undefined): void {
    this.pid = pid;
    this.source.pid = pid;
    if (input) {
      const notice = `${this.spec.name} is waiting for input (tf attach ${this.spec.name})`;
      this.terminal = new Terminal((size) => this.contained?.resize?.(size), input, () => this.deps.output.system(notice, this.source));
    }
    if (stdout) this.read(stdout, 'stdout');
    if (stderr) this.read(stderr, 'stderr');
    this.deps.events.onSpawn?.(this);
  }

  private programExited(code: number | null, signal: NodeJS.Signals | null, daemons: Daemon[]): void {
    if (code === 0 && daemons.length > 0 && this.deps.keepDaemons && !this.exiting) {
      this.daemons = daemons;
      this.pid = daemons[0]!.pid;
      this.deps.events.onDaemonized?.(this, daemons);
    } else {
      this.exit(code, signal);
    }
  }

  /** Nothing of its tree is left: the end of a daemonized process. */
  private gone(code: number | null, signal: NodeJS.Signals | null): void {
    this.isGone = true;
    this.exit(code, signal);
    for (const resolve of this.goneWaiters.splice(0)) resolve();
  }

  /**
   * Where its tree starts for the metrics: under the shim, the shim's descendants (daemons and
   * orphans included, the shim itself not); otherwise the process (or its first daemon) and its
   * descendants. Undefined once it has exited.
   */
  get usageRoot(): TreeRoot | undefined {
    if (this.exited || this.pid === undefined) return undefined;
    const shim = this.contained?.shimPid;
    return shim === undefined ? { pid: this.pid, countsItself: true } : { pid: shim, countsItself: false };
  }

  /** Resolves once nothing of its tree is left (with the shim: it has reaped the last process). */
  whenGone(): Promise<void> {
    if (this.isGone || this.contained === undefined) return Promise.resolve();
    return new Promise((resolve) => this.goneWaiters.push(resolve));
  }

  /** Sends the polite stop signal to the process's group and to anything it daemonized. */
  signal(signal: NodeJS.Signals): void {
    if (!this.done) this.contained?.signal(signal);
  }

  /** SIGKILLs everything of its tree that is still running. */
  kill(): void {
    this.contained?.kill();
  }

  /** Stops waiting for output that can no longer come (its writers escaped and were killed). */
  abandon(): void {
    this.openStreams = 0;
    for (const stream of this.streams) stream.destroy();
    this.outputRead?.();
    this.finish();
  }

  private read(stream: Readable, name: StreamName): void {
    const limit = this.deps.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const splitter = new LineSplitter(limit);
    const output = this.deps.output;
    let batch: Buffer[] = [];
    let splits = 0;
    const collect = (line: Buffer, split: boolean): void => {
      batch.push(line);
      if (split) splits++;
    };
    const deliver = (): void => {
      if (batch.length === 0) return;
      output.lines(this.source, name, batch);
      const lines = batch;
      this.observe(() => lines.slice(-RECENT_LINES).flatMap((line) => [line, NEWLINE]), () => lines.map((line) => line.toString()));
      batch = [];
      if (splits > 0) {
        output.system(`${this.spec.name} wrote a line longer than ${limit / 1024 / 1024} MiB; it was split into pieces of that size`, this.source);
        splits = 0;
      }
    };
    this.streams.push(stream);
    this.openStreams++;
    output.track(stream);
    const terminal = this.terminal;
    stream.on('data', (chunk: Buffer) => {
      terminal?.output(chunk);
      const fast = output.takesBlocks ? splitter.takeBlock(chunk) : undefined;
      if (fast && output.block(this.source, fast.parts)) {
        // The common case, no restart policy and no pending line check, allocates nothing here.
        const { parts } = fast;
        // A CR in a block taken is a CRLF's (a terminal's newline), which ends a line as LF does.
        if (this.keepsRecent || this.lineCheck) this.observe(() => parts, () => parts.flatMap((part) => part.toString().slice(0, -1).split(LINE_END)));
      } else if (fast) {
        for (const part of fast.parts) splitter.push(part, collect);
      }
      splitter.push(fast ? fast.rest : chunk, collect);
      deliver();
    });
    stream.once('end', () => {
      splitter.flush(collect);
      deliver();
    });
    stream.once('close', () => {
      output.untrack(stream);
      this.openStreams = Math.max(0, this.openStreams - 1);
      if (this.openStreams === 0) this.outputRead?.();
      this.finish();
    });
    stream.on('error', () => {});
  }

  /** What its first daemon runs now: it may have exec'd another program since the shim named it. */
  get daemonCommand(): string | undefined {
    const daemon = this.daemons[0];
    return daemon && (commandName(daemon.pid) ?? daemon.command);
  }

  /** Calls `check` with each line printed from now on until it returns true (or is replaced). */
  watchLines(check: ((line: string) => boolean) | undefined): void {
    this.lineCheck = check;
  }

  private checkLines(lines: string[]): void {
    for (const line of lines) {
      if (this.lineCheck?.(line)) {
        this.lineCheck = undefined;
        return;
      }
    }
  }

  /** The last lines it printed (up to ten), shown when tf gives up restarting it. */
  get recent(): string[] {
    const lines = lineText(this.recentOutput).split(LINE_END).slice(0, -1);
    // The tail may start mid-line once it has been cut to size.
    if (this.recentOutput.length >= RECENT_BYTES) lines.shift();
    return lines.slice(-RECENT_LINES);
  }

  /**
   * What the restart policy and a pending line check need of output just printed: CHUNKS are its
   * bytes, lines ending in LF; LINES its text. Each is made only if someone looks.
   */
  private observe(chunks: () => readonly Buffer[], lines: () => string[]): void {
    if (this.keepsRecent) this.remember(chunks());
    if (this.lineCheck) this.checkLines(lines());
  }

  /** Keeps the last RECENT_BYTES of what was printed, in one copy of just those bytes. */
  private remember(chunks: readonly Buffer[]): void {
    const tail: Buffer[] = [];
    let bytes = 0;
    for (let i = chunks.length - 1; i >= 0 && bytes < RECENT_BYTES; i--) {
      const chunk = chunks[i]!;
      tail.unshift(chunk.subarray(Math.max(0, chunk.length - (RECENT_BYTES - bytes))));
      bytes += tail[0]!.length;
    }
    if (bytes < RECENT_BYTES) tail.unshift(this.recentOutput.subarray(Math.max(0, this.recentOutput.length - (RECENT_BYTES - bytes))));
    this.recentOutput = Buffer.concat(tail);
  }

  /**
   * The program exited. Its exit is reported once the output it wrote before has been read, so that
   * "exited with code 1" follows its last line and the crash policy sees that line.
   */
  private exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exiting) return;
    this.exiting = true;
    this.exitCode = code;
    this.exitSignal = signal;
    this.deps.events.onProgramExit?.(this);
    if (this.openStreams === 0) return this.reportExit();
    const timers = this.deps.timers ?? realTimers;
    let timer: unknown;
    // While a slow reader of tf's output holds the pipes paused, the output is still there to be read.
    const wait = (): unknown => (timer = timers.setTimeout(() => (this.streams.some((stream) => stream.isPaused()) ? wait() : this.reportExit()), OUTPUT_AFTER_EXIT_MS));
    wait();
    this.outputRead = () => {
      timers.clearTimeout(timer);
      this.reportExit();
    };
  }

  private reportExit(): void {
    if (this.exited) return;
    this.exited = true;
    this.terminal?.close();
    this.outputRead = undefined;
    this.deps.events.onExit(this, this.exitCode, this.exitSignal);
    this.finish();
  }

  private finish(): void {
    if (this.done || !this.exited || this.openStreams > 0) return;
    this.done = true;
    this.deps.events.onDone(this);
  }
}
