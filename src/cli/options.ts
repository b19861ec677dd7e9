import { Option, type Command } from 'commander';
import type { AppOptions } from '../config/app.js';

/** The flags every command that reads an app shares, as foreman spells them. */
export interface AppFlags {
  procfile?: string;
  root?: string;
  env?: string[];
}

export function addAppOptions(command: Command): Command {
  return command
    .option('-f, --procfile <file>', 'the Procfile (default: ./Procfile, or ROOT/Procfile with -d)')
    .option('-d, --root <dir>', "the app's root directory (default: the Procfile's folder)")
    .addOption(new Option('-e, --env <file>', 'an env file to load; repeat it or use a comma list (default: ROOT/.env)').argParser(collect));
}

export function addPortOption(command: Command): Command {
  return command.option('-p, --port <port>', 'base port: web.1 gets it, each type a block of 100 (default: $PORT or 5000)');
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function appOptions(flags: AppFlags): AppOptions {
  return { procfile: flags.procfile, root: flags.root, envFiles: flags.env, shellEnv: process.env };
}
