// The one place commander is imported, so its types and values come from one module.
import { Command as CommanderCommand } from 'commander';
export { Argument, CommanderError, Option } from 'commander';

/**
 * commander's Command plus examples kept as data: --help, `tf man` and the completion scripts are
 * all generated from the same declarations, so none of them can drift from the others.
 */
export class Command extends CommanderCommand {
  exampleLines: readonly string[] = [];

  override createCommand(name?: string): Command {
    return new Command(name);
  }

  /** Adds "Examples:" to --help; each line is a command line, optionally with a "# why". */
  examples(...lines: string[]): this {
    this.exampleLines = lines;
    return this.addHelpText('after', `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`);
  }
}
