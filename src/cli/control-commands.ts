import type { Command } from './commander.js';
import { addControlSocketOption, addRootOptions, type Lazy } from './options.js';

/** -d/-f find the app root as the other commands do; --control-socket names the socket itself. */
export function addControlOptions(command: Command): Command {
  return addControlSocketOption(addRootOptions(command)).option('--timeout <duration>', 'give up when tf stays silent this long before answering (default 5s)');
}

/** `tf ps`, `tf scale`, `tf restart`, `tf stop`, `tf quit`, `tf kill`, `tf logs`: talk to a running tf start. */
export function addControlCommands(tf: Command, lazy: Lazy): void {
  addControlOptions(tf.command('ps').description('list the processes of the running tf start: pid, port, state, uptime, restarts'))
    .option('--json', 'print a JSON array: name, type, pid, port, state, uptimeMs, restarts, lastExit, lastExitReason (restarted, stopped, removed, exited, crashed), lastExitSignal')
    .examples('tf ps', 'tf ps --json | jq -r ".[] | [.name, .state] | @tsv"')
    .action(lazy(() => (require('./ps.js') as typeof import('./ps.js')).ps));
  addControlOptions(tf.command('scale').description('change the formation of the running tf start'))
    .argument('<formation...>', 'type=count items, e.g. web=3 worker=0')
    .examples('tf scale web=3', 'tf scale web=1 worker=0')
    .action(lazy(() => (require('./scale.js') as typeof import('./scale.js')).scale));
  addControlOptions(tf.command('restart').description('drain and start again: everything, a type, or one process like web.2'))
    .argument('[targets...]', 'process names or types (default: all)')
    .option('--with-dependents', 'also restart the types that depend on them (depends_on), after them')
    .examples('tf restart              # everything, one type at a time', 'tf restart web', 'tf restart db --with-dependents')
    .action(lazy(() => (require('./restart.js') as typeof import('./restart.js')).restart));
  addControlOptions(tf.command('stop').description('drain processes of the running tf start and leave them stopped'))
    .argument('<targets...>', 'process names or types')
    .examples('tf stop worker', 'tf stop web.2')
    .action(lazy(() => (require('./restart.js') as typeof import('./restart.js')).stop));
  addControlOptions(tf.command('quit').description('stop the whole running tf start as on SIGTERM: drain every process, then exit'))
    .examples('tf quit                 # returns once tf start has exited', 'tf quit -d ~/src/shop')
    .action(lazy(() => (require('./quit.js') as typeof import('./quit.js')).quitCommand('quit')));
  addControlOptions(tf.command('kill').description('stop the whole running tf start now: SIGKILL every process group, no drain'))
    .examples('tf kill                 # when tf quit is taking too long')
    .action(lazy(() => (require('./quit.js') as typeof import('./quit.js')).quitCommand('kill')));
  addControlOptions(tf.command('attach').description('connect this terminal to a tty-mode process (tty: true): its output, your keystrokes'))
    .argument('<process>', 'a process name like web.1, or a type that runs one process')
    .option('--detach-keys <key>', 'the key that detaches, leaving the process running', 'ctrl-]')
    .examples('tf attach dbg.1          # Ctrl-] detaches', 'tf attach web --detach-keys ctrl-q')
    .action(lazy(() => (require('./attach.js') as typeof import('./attach.js')).attach));
  addControlOptions(tf.command('logs').description('print the last lines of the running tf start, then follow it (Ctrl-C detaches)'))
    .argument('[targets...]', 'only these processes (web.2) or types (web); default: everything, tf\'s own lines too')
    .option('-n, --lines <count>', 'how many earlier lines to print first (default 200)')
    .option('--no-follow', 'print the earlier lines and exit')
    .option('--grep <regex>', "only the lines whose text matches (a JavaScript regular expression; -n counts these)")
    .option('--since <when>', 'only the lines printed since then: a duration back from now (10m, 2h) or a time (2026-12-01T04:50:00Z)')
    .option('--json', 'one JSON object a line: time, name, stream (stdout, stderr, tty, system), line; no colours')
    .examples('tf logs', 'tf logs web worker.2 -n 50', 'tf logs --grep "ERROR|WARN" --since 10m --no-follow', 'tf logs web --json | jq -r .line')
    .action(lazy(() => (require('./logs.js') as typeof import('./logs.js')).logs));
}
