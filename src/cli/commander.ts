// The one place commander is imported, so its types and values come from one module.
export { Command, CommanderError, Option } from 'commander';
