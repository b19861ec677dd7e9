import { Command, CommanderError, Option } from './commander.js';
import { addAppOptions, addControlSocketOption, addFormationOptions, addPortOption, addReleaseOption, type Declare, type Lazy } from './options.js';
import { reportError } from './report.js';

function version(): string {
  // A literal require: the build's bundler inlines package.json, so the bundle needs no path to it.
  return (require('../../package.json') as { version: string }).version;
}

function declareStart(tf: Command, lazy: Lazy): void {
  addControlSocketOption(addFormationOptions(addReleaseOption(addPortOption(addAppOptions(tf.command('start').description('start the formation and multiplex its output'))))))
    .argument('[formation...]', 'what to run: web=2 worker=3, a bare type (web = web=1 and nothing else), all=N')
    .option('--no-timestamps', 'do not print the time on each line')
    .option('--json', 'print one JSON object a line: time, process, pid, stream, text')
    .option('-w, --watch [globs...]', 'restart the affected types when files change (default: any file in the root)')
    .option('--tty', 'run every process on its own terminal (as tty: true in tf.yml; see tf attach)')
    .option('--ui', 'serve the browser dashboard from the start and print its address (see tf ui)')
    .examples('tf start', 'tf start web=2 worker=3', 'tf start -f Procfile.dev -e .env,.env.local -p 3000', 'tf start --json | jq .')
    .action(lazy(() => (require('./start.js') as typeof import('./start.js')).start));
}

function declareRun(tf: Command, lazy: Lazy): void {
  addReleaseOption(addAppOptions(tf.command('run').description("run a one-off command in the app's environment (as run.1)")))
    .option('-p, --port <port>', 'give the command this PORT (default: none from tf; PORT from the shell or env files passes through)')
    .argument('<command...>', 'a command line, a Procfile type, or a command and its arguments')
    .passThroughOptions()
    .examples('tf run node            # a REPL with the app\'s env', 'tf run worker          # the Procfile\'s worker command', 'tf run -- npm test -- --watch', 'tf run -p 5100 web    # a second web on its own port', 'tf run "env | sort"')
    .action(lazy(() => (require('./run.js') as typeof import('./run.js')).run));
}

function declareCheck(tf: Command, lazy: Lazy): void {
  addFormationOptions(addReleaseOption(addPortOption(addAppOptions(tf.command('check').description('validate the Procfile, env files and tf.yml, and print the formation')))))
    .argument('[formation...]', 'the formation to check, as for start')
    .examples('tf check', 'tf check web=2 worker -f Procfile.dev', 'tf check -e .env.production', 'tf check --release v3      # as tf start --release v3 would run it')
    .action(lazy(() => (require('./check.js') as typeof import('./check.js')).check));
}

function declareEnv(tf: Command, lazy: Lazy): void {
  addPortOption(addAppOptions(tf.command('env').description('print the environment a process gets, with where each variable came from')))
    .argument('[process]', 'a process name like web.2 or a type like web (default: run.1, what tf run gets)')
    .option('--json', 'print a JSON object: KEY -> {value, source}')
    .addOption(new Option('--no-shell', 'leave out variables that come unchanged from the shell'))
    .examples('tf env                  # what tf run gets', 'tf env web.2 --no-shell', 'tf env worker --json | jq -r .DATABASE_URL.source')
    .action(lazy(() => (require('./env.js') as typeof import('./env.js')).env));
}

function declareExport(tf: Command, lazy: Lazy): void {
  addFormationOptions(addReleaseOption(addPortOption(addAppOptions(tf.command('export').description('write the formation as config for systemd, supervisord, kubernetes, compose, runit, s6 or launchd')))))
    .argument('<format>', 'systemd, supervisord, kubernetes, compose, runit, s6 or launchd')
    .argument('<outdir>', 'the folder to write into (created if missing)')
    .argument('[formation...]', 'what to export, as for start')
    .option('-a, --app <name>', "the app's name in unit, program and object names (default: the root folder's name)")
    .option('-u, --user <user>', 'run the processes as this user')
    .option('-i, --image <image>', 'the container image (kubernetes: required; compose: default is to build the app root)')
    .examples('tf export systemd /etc/systemd/system --app shop --user shop web=2 worker', 'tf export kubernetes k8s --image registry.example.com/shop:1.4', 'tf export compose . -e .env.production')
    .action(lazy(() => (require('./export.js') as typeof import('./export.js')).exportCommand));
}

/**
 * Every top-level command and what declares it. Only the command being run is declared: the
 * others' options cost start-up time. Help, a typo or no command at all declare every one.
 */
const COMMANDS: ReadonlyArray<[names: string[], declare: () => Declare]> = [
  [['start'], () => declareStart],
  [['run'], () => declareRun],
  [['check'], () => declareCheck],
  [['env'], () => declareEnv],
  [['export'], () => declareExport],
  [['release', 'build', 'config'], () => (require('./release-commands.js') as typeof import('./release-commands.js')).addReleaseCommands],
  [['ps', 'scale', 'restart', 'stop', 'quit', 'kill', 'logs', 'attach'], () => (require('./control-commands.js') as typeof import('./control-commands.js')).addControlCommands],
  [['ui'], () => (require('./ui.js') as typeof import('./ui.js')).declareUi],
  [['completion', 'man', '__complete'], () => (require('./docs-commands.js') as typeof import('./docs-commands.js')).addDocsCommands],
];

/** These render every command's declarations, so they need all of them declared. */
const NEEDS_ALL = ['completion', 'man', 'help'];

/** The declarations argv needs: its command's, none for `tf --version`, else all. */
function commandsFor(args: string[]): ReadonlyArray<[string[], () => Declare]> {
  if (args.length === 1 && (args[0] === '-v' || args[0] === '--version')) return [];
  // The root has no options that take a value, so its first word is the command.
  const name = args.find((arg) => !arg.startsWith('-'));
  if (name !== undefined && NEEDS_ALL.includes(name)) return COMMANDS;
  const wanted = COMMANDS.filter(([names]) => name !== undefined && names.includes(name));
  return wanted.length > 0 ? wanted : COMMANDS;
}

function program(argv: string[], done: (status: number) => void): Command {
  const tf = new Command('tf')
    .description('Run twelve-factor apps from a Procfile: start a formation, run one-offs, check config.')
    .version(version(), '-v, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), outputError: usageError('tf --help') });

  // Each command's module is required only when that command runs: start-up time is a feature.
  const lazy: Lazy = (load) =>
    async (...args: unknown[]): Promise<void> => {
      const action = load() as (...a: unknown[]) => Promise<number>;
      done(await action(...args.slice(0, -1)));
    };

  for (const [, declare] of commandsFor(argv.slice(2))) declare()(tf, lazy);
  declareHelp(tf);

  for (const command of subcommands(tf)) command.helpCommand(false).configureOutput({ outputError: usageError(`tf help ${commandPath(command)}`, commandPath(command)) });
  return tf;
}

/**
 * `tf help release create` is release create's help (commander's own help command stops at the
 * first word), and `tf help nope` is a usage error rather than the top-level help.
 */
function declareHelp(tf: Command): void {
  tf.helpCommand(false);
  tf.command('help')
    .description('print the help of a command, e.g. tf help release create')
    .argument('[command...]', 'a command, and a subcommand of it')
    .examples('tf help start', 'tf help release create')
    .action((words: string[]) => {
      let command: Command = tf;
      for (const word of words) {
        const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word)) as Command | undefined;
        if (!next) command.error(`unknown command '${[commandPath(command), word].filter(Boolean).join(' ')}'`, { exitCode: 2, code: 'tf.unknownCommand' });
        command = next!;
      }
      command.help();
    });
}

/** Every command below ROOT, depth first. */
export function subcommands(root: Command): Command[] {
  return (root.commands as Command[]).flatMap((command) => [command, ...subcommands(command)]);
}

/** "release create": the words after tf that name COMMAND. */
export function commandPath(command: Command): string {
  const words: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent as Command | null) words.unshift(c.name());
  return words.join(' ');
}

/**
 * Flags that mean something else in tf than where the user's habit comes from: the fix names the
 * flag tf spells that way (one meaning per flag in every command).
 */
function renamedFlag(path: string, problem: string): string | undefined {
  const flag = /^unknown option '([^']+)'/.exec(problem)?.[1];
  if (flag === '--env') return 'an env file is -e/--env-file FILE; --env KEY=VALUE is only for tf release create';
  if (flag === '-m' && (path === 'release create' || path === 'build')) return 'the message is --message TEXT; -m is the formation in start, check and export';
  return undefined;
}

/**
 * Commander's usage errors in the shape of every other tf error: one line, "tf: problem (fix)".
 * Commander puts its "(Did you mean --json?)" on a second line; that suggestion becomes the fix.
 */
function usageError(help: string, path = ''): (text: string, write: (text: string) => void) => void {
  return (text, write) => {
    const lines = text.replace(/^error: /, '').trim().split(/\s*\n\s*/);
    const suggestion = /^\((did you mean .*)\)$/i.exec(lines.at(-1) ?? '');
    const problem = (suggestion ? lines.slice(0, -1) : lines).join(' ');
    const fix = renamedFlag(path, problem) ?? (suggestion ? suggestion[1]!.replace(/^D/, 'd') : `see ${help}`);
    write(`tf: ${problem} (${fix})\n`);
  };
}

/** Parses argv, runs one command, and is the only place that decides tf's exit status. */
export async function main(argv: string[]): Promise<number> {
  let status = 0;
  try {
    await program(argv, (s) => (status = s)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(error);
  }
  return status;
}
