import { basePort } from '../formation/plan.js';
import { oneOffCommand, oneOffEnvironment, runOneOff } from '../oneoff/run.js';
import { runOneOffOnTerminal } from '../oneoff/tty-run.js';
import { ttyUnavailable } from '../platform/containment.js';
import { TfError } from '../util/errors.js';
import { loadAppFor } from './app-flags.js';
import type { ReleaseFlags } from './options.js';

export interface RunFlags extends ReleaseFlags {
  port?: string;
  /** Run the one-off on a pseudo-terminal even when tf's own stdin and stdout are not one (CI). */
  tty?: boolean;
}

export async function run(argv: string[], flags: RunFlags): Promise<number> {
  if (argv.length === 0) throw new TfError('tf run needs a command', 'e.g. tf run node, tf run -- npm test, or tf run worker');
  const app = await loadAppFor(flags);
  const env = oneOffEnvironment(app, flags.port === undefined ? undefined : basePort(app, flags.port));
  const notFound = (file: string): void => void process.stderr.write(`tf: command not found: ${file} (check the spelling and PATH)\n`);
  const noTty = flags.tty ? ttyUnavailable() : undefined;
  if (noTty) throw new TfError(noTty, 'run without --tty');
  // With a terminal on both already, handing it over is the better terminal: --tty changes nothing.
  if (flags.tty && !(process.stdin.isTTY && process.stdout.isTTY)) return runOneOffOnTerminal(oneOffCommand(argv, app), app.root, env, notFound);
  return runOneOff(oneOffCommand(argv, app), app.root, env, notFound);
}
