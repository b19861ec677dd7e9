import type { App } from '../config/app.js';
import { plainEnvironment, withVariables, type Environment } from '../config/env.js';
import { processVariables } from '../formation/formation.js';
import { contain } from '../platform/containment.js';
import { errnoCode } from '../util/errors.js';
import { listenForSignals } from '../supervisor/signal-source.js';
import { shellScript } from '../supervisor/shell-command.js';
import { exitStatus } from '../supervisor/stop-reason.js';

export const ONE_OFF_NAME = 'run.1';

export interface OneOffCommand {
  file: string;
  args: string[];
}

/**
 * What `tf run ARGS...` executes. One argument is a shell command line (`tf run "rake db:migrate &&
 * echo ok"`), or the command of the Procfile type it names (`tf run worker`, as in foreman).
 * Several arguments are an argv, run without a shell, so every argument arrives exactly as typed.
 */
export function oneOffCommand(argv: string[], app: App): OneOffCommand {
  if (argv.length === 1) {
    const type = app.procfile.types.find((t) => t.name === argv[0]);
    return { file: '/bin/sh', args: ['-c', shellScript(type ? type.command : argv[0]!)] };
  }
  return { file: argv[0]!, args: argv.slice(1) };
}

/**
 * The environment a one-off gets: what a `tf start` process gets, named run.1, but no PORT from tf
 * unless asked for (`tf run -p PORT`), as foreman and honcho do: web.1 already has the base port,
 * and a one-off that starts a server on it would fail while the app runs.
 */
export function oneOffEnvironment(app: App, port: number | undefined): Environment {
  return withVariables(app.environment, processVariables(ONE_OFF_NAME, port), 'tf');
}

/** How a one-off ended: its exit status (1 until known), and a missing program said once. */
export class OneOffEnd {
  status = 1;
  private notFound = false;

  constructor(private readonly onNotFound: () => void) {}

  error(error: Error): void {
    if (errnoCode(error) !== 'ENOENT' || this.notFound) return;
    this.notFound = true;
    this.onNotFound();
  }

  exit(code: number | null, signal: NodeJS.Signals | null): void {
    this.status = code === null && signal === null ? 1 : exitStatus(code, signal);
  }
}

/**
 * Runs a one-off with the terminal handed over: stdin, stdout and stderr inherited, so a REPL
 * works. The child shares tf's process group, so the terminal's Ctrl-C reaches it directly and tf
 * ignores its own copy; SIGTERM and SIGHUP sent to tf alone are passed on. It is contained like a
 * tf start process: whatever it leaves running is killed when it exits, and if tf itself is killed
 * the shim kills the whole tree. Resolves with the child's exit status (128 + n for a signal, 127
 * when the command does not exist).
 */
export function runOneOff(command: OneOffCommand, cwd: string, env: Environment, onNotFound: (file: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const end = new OneOffEnd(() => onNotFound(command.file));
    const child = contain(
      { file: command.file, args: command.args, cwd, env: plainEnvironment(env), output: 'inherit', foreground: true },
      {
        onSpawn: () => {},
        onError: (error) => end.error(error),
        onExit: (code, signal) => {
          end.exit(code, signal);
          child.kill();
        },
        onGone: () => {
          stopListening();
          resolve(end.status);
        },
      },
    );
    const stopListening = listenForSignals((signal) => {
      if (signal !== 'SIGINT' && signal !== 'SIGQUIT') child.signal(signal);
    }, ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP']);
  });
}
