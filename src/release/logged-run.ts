import { closeSync, openSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { Environment } from '../config/env.js';
import { shouldColor } from '../output/color.js';
import { Multiplexer } from '../output/multiplexer.js';
import { ProcessHandle } from '../supervisor/process-handle.js';
import { pipeBytesFor, spawnContained } from '../supervisor/spawner.js';
import { exitStatus } from '../supervisor/stop-reason.js';
import { SECRET_MODE } from './fs-util.js';
import type { Interruption } from './interrupt.js';

export interface LoggedRun {
  /** The prefix of every line: "build", "release". */
  name: string;
  command: string;
  cwd: string;
  env: Environment;
  /** Receives the same lines as the terminal, without colors. */
  logPath: string;
  interruption: Interruption;
}

/** How long a build or release phase gets to stop after Ctrl-C before it is SIGKILLed. */
const STOP_GRACE_MS = 5000;

/**
 * Runs a build command or the release phase as tf start runs a process (its own process group,
 * output split into lines and prefixed by the multiplexer) while every line also goes to a log.
 * Resolves with its exit status. Whatever the command left running in its group is killed when it
 * exits, so nothing can keep writing into a build after tf has taken it.
 */
export async function runLogged(run: LoggedRun): Promise<number> {
  const log = openSync(run.logPath, 'a', SECRET_MODE);
  const output = new Multiplexer(new TeeSink(process.stdout, log), { json: false, color: shouldColor(Boolean(process.stdout.isTTY), process.env), timestamps: true });
  output.reserve([run.name]);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const spec = { name: run.name, type: run.name, instance: 1, typeIndex: 0, command: run.command, cwd: run.cwd, env: run.env, port: 0, stopSignal: 'SIGTERM' as const, drainMs: STOP_GRACE_MS, restart: { kind: 'stop' as const } };
  const handle = new ProcessHandle(spec, {
    spawn: spawnContained,
    output,
    extraEnv: {},
    pipeBytes: pipeBytesFor(1),
    events: {
      // What it left running dies with it, before its last output is read, so its pipes end at once.
      onProgramExit: (h) => h.kill(),
      onExit: () => {},
      onDone: () => done(),
    },
  });
  let killTimer: NodeJS.Timeout | undefined;
  run.interruption.onSignal((signal) => {
    handle.signal(signal);
    killTimer = setTimeout(() => handle.kill(), STOP_GRACE_MS);
  });
  try {
    handle.start(Date.now());
    await finished;
    await output.flush();
  } finally {
    clearTimeout(killTimer);
    closeSync(log);
  }
  if (handle.spawnError) return 127;
  return exitStatus(handle.exitCode, handle.exitSignal);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** The multiplexer's sink: the terminal (with its backpressure) plus a log file without colors. */
class TeeSink extends Writable {
  constructor(
    private readonly terminal: NodeJS.WriteStream,
    private readonly log: number,
  ) {
    super();
    // A closed terminal must not stop the log; the multiplexer sees errors only from the log side.
    terminal.on('error', () => {});
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      if (chunk.includes(0x1b)) writeSync(this.log, chunk.toString('utf8').replace(ANSI, ''));
      else writeSync(this.log, chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (this.terminal.destroyed || this.terminal.write(chunk)) callback();
    else this.terminal.once('drain', () => callback());
  }
}
