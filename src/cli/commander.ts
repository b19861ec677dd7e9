import { createRequire } from 'node:module';
import type * as CommanderPackage from 'commander';

// commander is CommonJS: loaded through its ESM wrapper it costs ~15 ms more (the wrapper and
// the export scan), on every tf command, --version included. require() takes the direct path.
const commander = createRequire(import.meta.url)('commander') as typeof CommanderPackage;

export const Command = commander.Command;
export type Command = CommanderPackage.Command;
export const Option = commander.Option;
export type Option = CommanderPackage.Option;
export const CommanderError = commander.CommanderError;
export type CommanderError = CommanderPackage.CommanderError;
