import { Option, type Command } from './commander.js';
import { addStoreOptions, collect, envFileOption, type Lazy } from './options.js';

/** `tf release create` and its alias `tf build` share these flags. */
function createCommand(command: Command, lazy: Lazy, spelled: string): Command {
  return addStoreOptions(command)
    .option('--message <description>', 'what this release is, shown by tf release list')
    .addOption(envFileOption('an env file to snapshot; repeat it or use a comma list (default: ROOT/.env)'))
    .addOption(new Option('--env <KEY=VALUE>', 'a variable for the snapshot, over the env files; repeat it').argParser(collect))
    .examples(`tf ${spelled} --message "new checkout page"`, `tf ${spelled} -e .env.production --env LOG_LEVEL=debug`)
    .action(lazy(() => (require('./release-create.js') as typeof import('./release-create.js')).create));
}

/** Registers `tf release ...`, `tf build` and `tf config ...`; each module loads only when run. */
export function addReleaseCommands(tf: Command, lazy: Lazy): void {
  const release = tf.command('release').description('build, list, inspect, roll back and prune immutable releases')
    .examples('tf release create --message "new checkout page"', 'tf release list', 'tf release rollback v3');
  createCommand(release.command('create').description('build a release from the working tree, run its release phase, make it current'), lazy, 'release create');
  addStoreOptions(release.command('list').description('list releases, oldest first'))
    .option('--json', 'print a JSON array: id, createdAt, current, status, description, ...')
    .examples('tf release list', 'tf release list --json | jq -r ".[] | .id"')
    .action(lazy(() => (require('./release-show.js') as typeof import('./release-show.js')).list));
  addStoreOptions(release.command('show').description("print a release's manifest and env (values masked)"))
    .argument('[id]', 'a release ID like v3, or current (default)')
    .option('--reveal', 'print env values instead of masking them')
    .option('--json', 'print the manifest and env as JSON')
    .examples('tf release show', 'tf release show v3 --reveal')
    .action(lazy(() => (require('./release-show.js') as typeof import('./release-show.js')).show));
  addStoreOptions(release.command('diff').description('env keys and build files that differ between two releases'))
    .argument('<a>', 'the older release')
    .argument('<b>', 'the newer release')
    .examples('tf release diff v3 v4')
    .action(lazy(() => (require('./release-show.js') as typeof import('./release-show.js')).diff));
  addStoreOptions(release.command('rollback').description("make a new release with an earlier release's build and env, and make it current"))
    .argument('[id]', 'the release to go back to (default: the one before the current one)')
    .examples('tf release rollback          # to the release before the current one', 'tf release rollback v3')
    .action(lazy(() => (require('./release.js') as typeof import('./release.js')).rollback));
  addStoreOptions(release.command('verify').description("re-hash a release's files and report anything added, removed or changed"))
    .argument('[id]', 'a release ID, or current (default)')
    .option('--all', 'verify every release')
    .examples('tf release verify', 'tf release verify --all')
    .action(lazy(() => (require('./release-maintain.js') as typeof import('./release-maintain.js')).verify));
  addStoreOptions(release.command('prune').description('remove old releases, and the builds and files only they used'))
    .requiredOption('--keep <n>', 'how many of the newest releases to keep (the current one and those in use are always kept)')
    .examples('tf release prune --keep 5')
    .action(lazy(() => (require('./release-maintain.js') as typeof import('./release-maintain.js')).prune));

  addStoreOptions(release.command('destroy').description('remove the whole release store (asks first; refused while a tf runs one of its releases)'))
    .option('-y, --yes', 'do not ask (needed when stdin is not a terminal)')
    .examples('tf release destroy', 'tf release destroy --yes --releases-dir /srv/shop/releases')
    .action(lazy(() => (require('./release-destroy.js') as typeof import('./release-destroy.js')).destroy));

  createCommand(tf.command('build').description('the same as tf release create'), lazy, 'build');

  const config = addStoreOptions(tf.command('config').description("print the current release's env (values masked); set or unset variables"))
    .option('--reveal', 'print values instead of masking them')
    .option('--json', 'print a JSON object')
    .examples('tf config', 'tf config --reveal')
    .action(lazy(() => (require('./config.js') as typeof import('./config.js')).show));
  addStoreOptions(config.command('set').description('make a new release with these variables set'))
    .argument('<assignments...>', 'KEY=VALUE ...')
    .examples('tf config set LOG_LEVEL=debug', 'tf config set DATABASE_URL=postgres://db/shop WORKERS=4')
    .action(lazy(() => (require('./config.js') as typeof import('./config.js')).set));
  addStoreOptions(config.command('unset').description('make a new release without these variables'))
    .argument('<keys...>', 'KEY ...')
    .examples('tf config unset LOG_LEVEL')
    .action(lazy(() => (require('./config.js') as typeof import('./config.js')).unset));
}
