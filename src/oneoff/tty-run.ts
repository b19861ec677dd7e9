import type { Readable, Writable } from 'node:stream';
import { plainEnvironment, withVariables, type Environment } from '../config/env.js';
import { terminalVariables } from '../formation/formation.js';
import { contain, type TerminalSize } from '../platform/containment.js';
import { rawKeyboard } from '../platform/keyboard.js';
import { listenForSignals } from '../supervisor/signal-source.js';
import { DEFAULT_TERMINAL_SIZE } from '../supervisor/terminal.js';
import { OneOffEnd, type OneOffCommand } from './run.js';

const LF = 0x0a;
const CR = 0x0d;
/** The terminal's end-of-file key (VEOF): how a reader on a terminal learns that input ended. */
const EOT = Buffer.from([0x04]);

function ownTerminalSize(): TerminalSize {
  const { columns, rows } = process.stdout;
  return process.stdout.isTTY && columns > 0 && rows > 0 ? { rows, cols: columns } : DEFAULT_TERMINAL_SIZE;
}

/**
 * A terminal's line ends (CRLF) as a file's (LF), for output that goes to a file or a pipe (a CI
 * log). A lone CR (a progress bar) stays. Keeps a CR that ends one read until the next shows what follows.
 */
export class CrlfToLf {
  private heldCR = false;

  push(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let start = 0;
    if (this.heldCR && chunk[0] !== LF) parts.push(Buffer.from([CR]));
    this.heldCR = false;
    for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 1)) {
      if (cr === chunk.length - 1) {
        parts.push(chunk.subarray(start, cr));
        this.heldCR = true;
        return Buffer.concat(parts);
      }
      if (chunk[cr + 1] === LF) {
        parts.push(chunk.subarray(start, cr));
        start = cr + 1;
      }
    }
    parts.push(chunk.subarray(start));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** What is still held at the end of the output. */
  end(): Buffer {
    return this.heldCR ? Buffer.from([CR]) : Buffer.alloc(0);
  }
}

/** The terminal's output to tf's stdout, raw; a slow reader of tf's output pauses the program. Calls DONE at its end. */
function relayOutput(output: Readable, done: () => void): void {
  const stdout = process.stdout;
  const lineEnds = stdout.isTTY ? undefined : new CrlfToLf();
  let broken = false;
  // A reader that went away (`tf run --tty cmd | head`): the rest is dropped, the program runs on.
  const onError = (): void => {
    broken = true;
    output.resume();
  };
  stdout.on('error', onError);
  const write = (data: Buffer): void => {
    if (broken || data.length === 0 || stdout.write(data)) return;
    output.pause();
    stdout.once('drain', () => output.resume());
  };
  output.on('data', (chunk: Buffer) => write(lineEnds ? lineEnds.push(chunk) : chunk));
  output.once('end', () => lineEnds && write(lineEnds.end()));
  output.once('close', () => {
    stdout.off('error', onError);
    done();
  });
  output.on('error', () => {});
}

/**
 * tf's stdin to the terminal. A terminal's keys go raw (Ctrl-C included: the terminal turns it into
 * SIGINT for the program, as tf run without --tty does). Piped input goes as it comes, then the
 * end-of-file key (twice after a partial line), so a reader sees the input end. Returns its stop.
 */
function forwardInput(input: Writable): () => void {
  const stdin = process.stdin;
  if (stdin.isTTY) return rawKeyboard((keys) => void input.write(keys));
  let last: number | undefined;
  const onData = (chunk: Buffer): void => {
    last = chunk[chunk.length - 1];
    if (input.write(chunk)) return;
    stdin.pause();
    input.once('drain', () => stdin.resume());
  };
  const onEnd = (): void => void input.write(last === undefined || last === LF ? EOT : Buffer.concat([EOT, EOT]));
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.on('error', () => {});
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.destroy();
  };
}

/**
 * `tf run --tty`: the one-off runs on a pseudo-terminal of tf's size (80x24 without one), in its own
 * session, contained as any one-off. tf relays: the terminal's output to tf's stdout, tf's stdin to
 * the terminal. SIGINT, SIGQUIT, SIGTERM and SIGHUP sent to tf are passed on (tf's terminal, if it
 * has one, no longer signals the program: its keys reach the pty, which does). Resolves with the
 * program's exit status once its output has all been written.
 */
export function runOneOffOnTerminal(command: OneOffCommand, cwd: string, env: Environment, onNotFound: (file: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const end = new OneOffEnd(() => onNotFound(command.file));
    let outputDone = true;
    let gone = false;
    let stopInput = (): void => {};
    const onResize = (): void => child.resize?.(ownTerminalSize());
    const finish = (): void => {
      if (!outputDone || !gone) return;
      stopInput();
      stopListening();
      process.stdout.off('resize', onResize);
      resolve(end.status);
    };
    const child = contain(
      { file: command.file, args: command.args, cwd, env: plainEnvironment(withVariables(env, terminalVariables(env), 'tf')), output: 'pipe', tty: ownTerminalSize() },
      {
        onSpawn: (_pid, output, _stderr, input) => {
          if (output) {
            outputDone = false;
            relayOutput(output, () => {
              outputDone = true;
              finish();
            });
          }
          if (input) stopInput = forwardInput(input);
        },
        onError: (error) => end.error(error),
        onExit: (code, signal) => {
          end.exit(code, signal);
          child.kill();
        },
        onGone: () => {
          gone = true;
          finish();
        },
      },
    );
    process.stdout.on('resize', onResize);
    const stopListening = listenForSignals((signal) => child.signal(signal), ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP']);
  });
}
