import type { Command } from './commander.js';

/**
 * The program's declarations as plain data, read from commander itself: the completion scripts
 * and the man page are rendered from this, so they list exactly what --help lists.
 */
export interface CommandModel {
  /** "release create"; "" for tf itself. */
  path: string;
  usage: string;
  description: string;
  options: OptionModel[];
  args: ArgModel[];
  subcommands: string[];
  examples: readonly string[];
}

export interface OptionModel {
  flags: string;
  short?: string;
  long?: string;
  description: string;
  takesValue: boolean;
}

/** What a positional argument completes to: process types, release IDs, or nothing tf knows. */
export type ArgKind = 'types' | 'releases' | 'none';

export interface ArgModel {
  name: string;
  description: string;
  kind: ArgKind;
}

const TYPE_ARGS = new Set(['formation', 'targets', 'process', 'command']);
const RELEASE_ARGS = new Set(['id', 'a', 'b']);

/** Every visible command, tf itself first, then depth first as --help lists them. */
export function helpModel(root: Command): CommandModel[] {
  const out: CommandModel[] = [];
  const visit = (command: Command, path: string): void => {
    out.push(modelOf(command, path));
    for (const sub of command.createHelp().visibleCommands(command) as Command[]) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(root, '');
  return out;
}

function modelOf(command: Command, path: string): CommandModel {
  const help = command.createHelp();
  return {
    path,
    usage: `tf${path ? ` ${path}` : ''} ${command.usage()}`.trim(),
    description: command.description(),
    options: help.visibleOptions(command).map((option) => ({
      flags: option.flags,
      short: option.short,
      long: option.long,
      description: help.optionDescription(option),
      takesValue: option.required || option.optional,
    })),
    args: command.registeredArguments.map((arg) => ({ name: arg.name(), description: arg.description, kind: TYPE_ARGS.has(arg.name()) ? 'types' : RELEASE_ARGS.has(arg.name()) ? 'releases' : 'none' })),
    subcommands: command.createHelp().visibleCommands(command).map((sub) => sub.name()),
    examples: command.exampleLines,
  };
}
