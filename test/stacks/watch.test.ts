import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { countLines, expectGone, http, migrate, recipeApp, requireServers, skipWithout, stackPids, startStack, tail, TfToFile, whileRunning } from './stack.js';

// tf start --watch on what a real app folder holds: data files servers rewrite (git ignores them),
// tf's own output redirected into the root, and a source edit that concerns one type.
// Ports 14000-14399 and 14500-14699.

/** A git checkout, so that "files git ignores" means the same to every way of asking git. */
function gitInit(root: string): void {
  const init = spawnSync('git', ['init', '-q'], { cwd: root, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`git init failed: ${init.stderr}`);
}

const CHANGED = /changed, (restarting|reloading)/;

describe.skipIf(skipWithout('the --watch stack checks', 'postgres', 'redis-server', 'git'))('tf start --watch on the recipe, for real', () => {
  it('restarts only web when web.js changes; postgres and redis writing their data files restart nothing', async () => {
    requireServers('postgres', 'redis-server', 'git');
    const stack = recipeApp(14000);
    gitInit(stack.root);
    const tf = startStack(stack, ['postgres', 'redis', 'web', 'worker'], { watch: true });
    await whileRunning(tf, tf.waitForLine(/^system +\| watching /, 60_000));
    await whileRunning(tf, tf.waitForLine(/^system +\| web\.1 is ready/, 90_000));
    await whileRunning(tf, tf.waitForLine(/^worker\.1 +\| worker waiting for jobs$/));
    // Nothing has changed but the servers' data under tmp/, which git ignores.
    expect(countLines(tf.stdout, CHANGED), tail(tf.stdout)).toBe(0);
    await migrate(stack, `\n${tail(tf.stdout)}`);
    expect(await http(stack.ports.web, '/')).toEqual({ status: 200, text: 'hello from postgres\n' });

    appendFileSync(join(stack.root, 'web.js'), '// edited\n');
    const line = await whileRunning(tf, tf.waitForLine(CHANGED, 30_000));
    expect(line, tail(tf.stdout)).toMatch(/^system +\| web\.js changed, restarting web$/);
    await whileRunning(tf, tf.waitForLines(/^system +\| web\.1 is ready/, 2, 60_000));
    expect(await http(stack.ports.web, '/')).toEqual({ status: 200, text: 'hello from postgres\n' });
    const out = tf.stdout;
    expect(countLines(out, CHANGED), tail(out)).toBe(1);
    expect(['postgres', 'redis', 'web', 'worker'].map((type) => countLines(out, new RegExp(`^system +\\| ${type}\\.1 started`))), tail(out)).toEqual([1, 1, 2, 1]);

    const pids = await stackPids(stack.root);
    tf.signal('SIGINT');
    expect((await tf.result(60_000)).code).toBe(130);
    await expectGone(pids, Object.values(stack.ports).slice(0, 4));
  }, 180_000);
});

describe.skipIf(skipWithout('the --watch checks', 'git'))('tf start --watch > out.log, beside a process rewriting a gitignored file', () => {
  it('restarts nothing for either; a later source edit restarts as usual', async () => {
    requireServers('git');
    const root = tmpApp({
      Procfile: `scribe: ${fixture('scribe', 'tmp/heartbeat', '50', '100')}\nweb: ${fixture('drain', '50')}\n`,
      // scribe opts out; web restarts on any change tf watches.
      'tf.yml': 'processes:\n  scribe:\n    watch: []\n',
      '.gitignore': 'tmp/\n',
      'src/app.js': '// the app\n',
    });
    gitInit(root);
    // Like `tf start --watch > out.log` in a shell: tf's output is a file under the root it watches.
    const tf = new TfToFile(['start', '--no-timestamps', '-p', '14500', '--watch'], root, join(root, 'out.log'));
    await tf.waitForLine(/^system +\| watching /);
    await tf.waitForLine(/^web\.1 +\| READY web\.1/);
    // Fifty rewrites, 100 ms apart: five seconds of changes to a file git ignores.
    await tf.waitForLine(/^scribe\.1 +\| wrote 50 times$/, 1, 60_000);

    // Changes are acted on in order: once this edit's restart is announced, any earlier change was.
    writeFileSync(join(root, 'src', 'app.js'), '// edited\n');
    const line = await tf.waitForLine(CHANGED);
    expect(line, tail(tf.stdout)).toMatch(/^system +\| src\/app\.js changed, restarting web$/);
    await tf.waitForLine(/^web\.1 +\| READY web\.1/, 2);
    expect(countLines(tf.stdout, CHANGED), tail(tf.stdout)).toBe(1);
    expect(countLines(tf.stdout, /^system +\| scribe\.1 started/), tail(tf.stdout)).toBe(1);

    tf.child.kill('SIGINT');
    expect(await tf.exited).toBe(130);
  }, 120_000);
});
