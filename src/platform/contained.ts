import type { Readable, Writable } from 'node:stream';

/** One program to run contained: its whole process tree is tf's to signal, and only that tree. */
export interface ContainRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** pipe: stdout and stderr read by tf; ignore: /dev/null (a ready check); inherit: the terminal (tf run). */
  output: 'pipe' | 'ignore' | 'inherit';
  /** Stay in tf's process group, so the terminal's Ctrl-C reaches the program directly (tf run). */
  foreground?: boolean;
  /** The capacity of each output pipe (Linux, with the shim); the kernel's default otherwise. */
  pipeBytes?: number;
  /** Run on a pseudo-terminal of this size (shim only): stdout carries its output, stderr merged. */
  tty?: TerminalSize;
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

/** A process the program started that lives on outside its group after it exited 0. */
export interface Daemon {
  pid: number;
  command: string;
}

export interface ContainedEvents {
  /** The program runs as PID; its output streams when requested; INPUT reaches its terminal (tty mode). */
  onSpawn(pid: number, stdout: Readable | undefined, stderr: Readable | undefined, input?: Writable): void;
  /** It could not be started (code ENOENT: the program does not exist). onExit follows. */
  onError(error: Error): void;
  /** The program itself exited; DAEMONS are what it left running outside its group (exit 0 only). */
  onExit(code: number | null, signal: NodeJS.Signals | null, daemons: Daemon[]): void;
  /** Nothing of its tree is left; CODE/SIGNAL is how the last of them ended. */
  onGone(code: number | null, signal: NodeJS.Signals | null): void;
}

/** A running contained tree. Every signal reaches only processes of that tree. */
export interface Contained {
  /** The polite stop signal: the program's group and each process that daemonized. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL for everything still running in the tree. */
  kill(): void;
  /** tty mode: the terminal's new size (its foreground group gets SIGWINCH). */
  resize?(size: TerminalSize): void;
  /** The shim's PID, where one runs the program: the program's whole tree is its descendants. */
  readonly shimPid?: number;
}
