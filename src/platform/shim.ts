import { spawn, type ChildProcess } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { Contained, ContainedEvents, ContainRequest, Daemon, TerminalSize } from './contained.js';
import { signalName, signalNumber } from './signals.js';

/**
 * Runs a program under native/tf-shim.c: a subreaper that forks it, keeps every orphan of its tree,
 * and talks to tf over fd 3 (the protocol is described in the C file). tf signals only the shim,
 * its own unreaped child, so no PID reuse can turn a signal against a stranger; when tf dies, fd 3
 * closes and the shim SIGKILLs the whole tree.
 */
export function containWithShim(shimPath: string, request: ContainRequest, events: ContainedEvents): Contained {
  const size = request.pipeBytes ? ['--pipe-size', String(request.pipeBytes)] : [];
  // tty mode sizes the pipe that carries the terminal's output, as --pipes sizes both of its own.
  const pipes = request.tty ? ['--tty', String(request.tty.rows), String(request.tty.cols), ...size] : request.output === 'pipe' ? ['--pipes', ...size] : [];
  const flags = [...(request.foreground ? ['--foreground'] : []), ...pipes];
  const io = request.output === 'inherit' ? 'inherit' : 'ignore';
  const shim = spawn(shimPath, [...flags, '--', request.file, ...request.args], {
    cwd: request.cwd,
    env: request.env,
    stdio: [request.output === 'inherit' ? 'inherit' : 'ignore', io, io, 'pipe'],
  });
  return new ShimChannel(shim, events, request.tty !== undefined);
}

class ShimChannel implements Contained {
  private readonly control: Socket;
  private buffered = '';
  private daemons: Daemon[] = [];
  private exited = false;
  private gone = false;

  constructor(
    private readonly shim: ChildProcess,
    private readonly events: ContainedEvents,
    private readonly tty: boolean,
  ) {
    this.control = shim.stdio[3] as Socket;
    this.control.setEncoding('utf8');
    this.control.on('data', (text: string) => this.receive(text));
    this.control.on('error', () => {});
    shim.once('error', (error) => {
      this.events.onError(error);
      this.exit(127, null);
      this.end(127, null);
    });
    // The shim itself ended without saying so (killed from outside): its program is on its own now.
    shim.once('close', (code, signal) => {
      this.exit(code, signal);
      this.end(code, signal);
    });
  }

  get shimPid(): number | undefined {
    return this.shim.pid;
  }

  signal(signal: NodeJS.Signals): void {
    this.send(`signal ${signalNumber(signal)}`);
  }

  kill(): void {
    this.send('kill');
  }

  resize(size: TerminalSize): void {
    if (this.tty) this.send(`resize ${size.rows} ${size.cols}`);
  }

  private send(line: string): void {
    if (!this.gone && this.control.writable) this.control.write(`${line}\n`);
  }

  private receive(text: string): void {
    this.buffered += text;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const words = this.buffered.slice(0, newline).split(' ');
      this.buffered = this.buffered.slice(newline + 1);
      this.handle(words);
    }
  }

  private handle(words: string[]): void {
    const [what, a, b] = words;
    if (what === 'pid') this.spawned(Number(a), words.slice(2).map(Number));
    else if (what === 'daemon') this.daemons.push({ pid: Number(a), command: words.slice(2).join(' ') });
    else if (what === 'error') this.events.onError(Object.assign(new Error(words.slice(1).join(' ')), { code: a }));
    // The last output may still be in the pipes: ProcessHandle reports the exit once they have ended.
    else if (what === 'exit') this.exit(...status(a, b));
    else if (what === 'gone') this.end(...status(a, b));
  }

  private spawned(pid: number, pipes: number[]): void {
    let streams: Readable[];
    let input: Writable | undefined;
    try {
      // tty mode: the first pipe carries the terminal's output, the second its input.
      streams = (this.tty ? pipes.slice(0, 1) : pipes).map((fd) => this.openPipe(fd));
      if (this.tty) input = this.openInput(pipes[1]!);
    } catch (error) {
      // /proc hidden from tf (hidepid): the output cannot be read, so the program must not run.
      this.events.onError(error as Error);
      this.kill();
      return;
    } finally {
      // Until now the shim holds its read ends (and stays) so that no output is lost.
      if (pipes.length > 0) this.send('opened');
    }
    this.events.onSpawn(pid, streams[0], streams[1], input);
  }

  /**
   * The read end of a pipe the shim made, opened through /proc: a file description of tf's own for
   * the same pipe, non-blocking for libuv (which leaves the program's write end as it is).
   */
  private openPipe(fd: number): Readable {
    const own = openSync(`/proc/${this.shim.pid}/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
    return new Socket({ fd: own, readable: true, writable: false });
  }

  /** The write end of the shim's input pipe for a terminal: what tf writes, the program reads. */
  private openInput(fd: number): Writable {
    const own = openSync(`/proc/${this.shim.pid}/fd/${fd}`, constants.O_WRONLY | constants.O_NONBLOCK);
    const input = new Socket({ fd: own, readable: false, writable: true });
    // The program gone, keystrokes for it have nowhere to go: not an error of tf's.
    input.on('error', () => {});
    return input;
  }

  private exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    this.events.onExit(code, signal, this.daemons);
  }

  private end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.gone) return;
    this.gone = true;
    this.events.onGone(code, signal);
  }
}

function status(kind: string | undefined, value: string | undefined): [number | null, NodeJS.Signals | null] {
  return kind === 'signal' ? [null, signalName(Number(value))] : [Number(value), null];
}
