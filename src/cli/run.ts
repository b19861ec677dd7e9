import { loadApp } from '../config/app.js';
import { basePort } from '../formation/plan.js';
import { oneOffCommand, oneOffEnvironment, runOneOff } from '../oneoff/run.js';
import { TfError } from '../util/errors.js';
import { appOptions, type AppFlags } from './options.js';

export interface RunFlags extends AppFlags {
  port?: string;
}

export async function run(argv: string[], flags: RunFlags): Promise<number> {
  if (argv.length === 0) throw new TfError('tf run needs a command', 'e.g. tf run node, tf run -- npm test, or tf run worker');
  const app = await loadApp(appOptions(flags));
  const env = oneOffEnvironment(app, basePort(app, flags.port));
  return runOneOff(oneOffCommand(argv, app), app.root, env, (file) => {
    process.stderr.write(`tf: command not found: ${file} (check the spelling and PATH)\n`);
  });
}
