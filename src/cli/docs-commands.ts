import { Argument, type Command } from './commander.js';
import type { Lazy } from './options.js';

/** `tf completion SHELL` and `tf man`: rendered from every other command's declarations. */
export function addDocsCommands(tf: Command, lazy: Lazy): void {
  const docs = (): typeof import('./docs.js') => require('./docs.js') as typeof import('./docs.js');
  tf.command('completion')
    .description('print a shell completion script: commands, flags, process types and release IDs')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .examples('tf completion fish > ~/.config/fish/completions/tf.fish', 'source <(tf completion bash)     # in ~/.bashrc', 'source <(tf completion zsh)      # in ~/.zshrc')
    .action(lazy(() => (shell: 'bash' | 'zsh' | 'fish') => docs().completion(tf, shell)));
  tf.command('man')
    .description('print the tf(1) man page (roff), made from the same text as --help')
    .examples('tf man | man -l -', 'tf man > ~/.local/share/man/man1/tf.1')
    .action(lazy(() => () => docs().man(tf)));
  // What the completion scripts ask for at completion time; not for people.
  tf.command('__complete', { hidden: true })
    .argument('<kind>', 'types or releases')
    .action(lazy(() => (kind: string) => docs().words(kind)));
}
