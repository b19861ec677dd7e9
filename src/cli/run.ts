import { basePort } from '../formation/plan.js';
import { oneOffCommand, oneOffEnvironment, runOneOff } from '../oneoff/run.js';
import { TfError } from '../util/errors.js';
import { loadAppFor } from './app-flags.js';
import type { ReleaseFlags } from './options.js';

export interface RunFlags extends ReleaseFlags {
  port?: string;
}

export async function run(argv: string[], flags: RunFlags): Promise<number> {
  if (argv.length === 0) throw new TfError('tf run needs a command', 'e.g. tf run node, tf run -- npm test, or tf run worker');
  const app = await loadAppFor(flags);
  const env = oneOffEnvironment(app, flags.port === undefined ? undefined : basePort(app, flags.port));
  return runOneOff(oneOffCommand(argv, app), app.root, env, (file) => {
    process.stderr.write(`tf: command not found: ${file} (check the spelling and PATH)\n`);
  });
}
