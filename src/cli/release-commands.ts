import { Option, type Command } from './commander.js';
import { addStoreOptions, collect, type Lazy } from './options.js';

/** `tf release create` and its alias `tf build` share these flags. */
function createCommand(command: Command, lazy: Lazy): Command {
  return addStoreOptions(command)
    .option('-m, --message <description>', 'what this release is, shown by tf release list')
    .addOption(new Option('-e, --env-file <file>', 'an env file to snapshot; repeat it or use a comma list (default: ROOT/.env)').argParser(collect))
    .addOption(new Option('--env <KEY=VALUE>', 'a variable for the snapshot, over the env files; repeat it').argParser(collect))
    .addHelpText('after', '\nExamples:\n  tf release create -m "new checkout page"\n  tf release create -e .env.production --env LOG_LEVEL=debug')
    .action(lazy(() => (require('./release-create.js') as typeof import('./release-create.js')).create));
}

/** Registers `tf release ...`, `tf build` and `tf config ...`; each module loads only when run. */
export function addReleaseCommands(tf: Command, lazy: Lazy): void {
  const release = tf.command('release').description('build, list, inspect, roll back and prune immutable releases');
  createCommand(release.command('create').description('build a release from the working tree, run its release phase, make it current'), lazy);
  addStoreOptions(release.command('list').description('list releases, oldest first'))
    .option('--json', 'print a JSON array: id, createdAt, current, status, description, ...')
    .action(lazy(() => (require('./release-show.js') as typeof import('./release-show.js')).list));
  addStoreOptions(release.command('show').description("print a release's manifest and env (values masked)"))
    .argument('[id]', 'a release ID like v3, or current (default)')
    .option('--reveal', 'print env values instead of masking them')
    .option('--json', 'print the manifest and env as JSON')
    .action(lazy(() => (require('./release-show.js') as typeof import('./release-show.js')).show));
  addStoreOptions(release.command('diff').description('env keys and build files that differ between two releases'))
    .argument('<a>', 'the older release')
    .argument('<b>', 'the newer release')
    .action(lazy(() => (require('./release-show.js') as typeof import('./release-show.js')).diff));
  addStoreOptions(release.command('rollback').description("make a new release with an earlier release's build and env, and make it current"))
    .argument('[id]', 'the release to go back to (default: the one before the current one)')
    .action(lazy(() => (require('./release.js') as typeof import('./release.js')).rollback));
  addStoreOptions(release.command('verify').description("re-hash a release's files and report anything added, removed or changed"))
    .argument('[id]', 'a release ID, or current (default)')
    .option('--all', 'verify every release')
    .action(lazy(() => (require('./release-maintain.js') as typeof import('./release-maintain.js')).verify));
  addStoreOptions(release.command('prune').description('remove old releases, and the builds and files only they used'))
    .requiredOption('--keep <n>', 'how many of the newest releases to keep (the current one and those in use are always kept)')
    .action(lazy(() => (require('./release-maintain.js') as typeof import('./release-maintain.js')).prune));

  addStoreOptions(release.command('destroy').description('remove the whole release store (asks first; refused while a tf runs one of its releases)'))
    .option('-y, --yes', 'do not ask (needed when stdin is not a terminal)')
    .action(lazy(() => (require('./release-destroy.js') as typeof import('./release-destroy.js')).destroy));

  createCommand(tf.command('build').description('the same as tf release create'), lazy);

  const config = addStoreOptions(tf.command('config').description("print the current release's env (values masked); set or unset variables"))
    .option('--reveal', 'print values instead of masking them')
    .option('--json', 'print a JSON object')
    .action(lazy(() => (require('./config.js') as typeof import('./config.js')).show));
  addStoreOptions(config.command('set').description('make a new release with these variables set'))
    .argument('<assignments...>', 'KEY=VALUE ...')
    .action(lazy(() => (require('./config.js') as typeof import('./config.js')).set));
  addStoreOptions(config.command('unset').description('make a new release without these variables'))
    .argument('<keys...>', 'KEY ...')
    .action(lazy(() => (require('./config.js') as typeof import('./config.js')).unset));
}
