import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ps, waitForPs } from '../helpers/control.js';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { cleanEnv, startTf, TF_BIN } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

const PROCFILE = `web: ${fixture('drain', '50')}\nworker: ${fixture('drain', '50')}\n`;

async function watching(files: Record<string, string>, ready = 2, quiet?: string) {
  const root = tmpApp(files);
  const tf = startTf(['start', '--no-timestamps', '-p', '8300', '--watch'], { cwd: root, env: { TF_WATCH_DEBOUNCE: quiet } });
  await tf.waitForLine('watching ');
  await tf.waitForLines(/READY/, ready);
  return { root, tf };
}

const count = (text: string, pattern: RegExp): number => text.split('\n').filter((l) => pattern.test(l)).length;

describe('tf start --watch', () => {
  it('restarts the types whose globs match a change, once for a storm of 1,000 changes', async () => {
    const { root, tf } = await watching({
      Procfile: PROCFILE,
      'tf.yml': "processes:\n  worker:\n    watch: ['jobs/**']\n",
      'src/.keep': '',
      'jobs/.keep': '',
      'node_modules/x.js': '',
      'releases/v1/app.js': '',
      // A quiet period no loaded machine splits: the storm below is written in one synchronous loop.
    }, 2, '3s');
    // 1,000 changes as fast as the disk takes them, to files web (no globs of its own) watches.
    for (let i = 0; i < 1000; i++) writeFileSync(join(root, 'src', `f${i % 100}.js`), `// ${i}\n`);
    // Each file counts once however many events it fired.
    await tf.waitForLine(/^system +\| 100 files changed \(src\/f\d+\.js, .* and 97 more\), restarting web$/);
    await tf.waitForLines(/READY web\.1/, 2);
    // A later change to worker's globs: by the time it is acted on, every change before it was.
    writeFileSync(join(root, 'node_modules', 'x.js'), 'ignored\n');
    writeFileSync(join(root, 'releases', 'v1', 'app.js'), 'ignored: the release store\n');
    writeFileSync(join(root, 'jobs', 'a.js'), 'x\n');
    await tf.waitForLine('jobs/a.js changed, restarting worker');
    await tf.waitForLines(/READY worker\.1/, 2);
    expect(count(tf.stdout, /changed.*restarting/)).toBe(2);
    expect(count(tf.stdout, /web\.1 started/)).toBe(2);
    expect((await ps(root)).map((r) => r.restarts)).toEqual([1, 1]);
    expect(tf.stdout).not.toContain('node_modules');
    expect(tf.stdout).not.toContain('releases/');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('restarts with the new formation when the Procfile changes, and keeps the old one when it is invalid', async () => {
    const { root, tf } = await watching({ Procfile: PROCFILE });
    writeFileSync(join(root, 'Procfile'), 'web: node a.js\nthis is not a process line\n');
    await tf.waitForLine(/config not reloaded, the old processes keep running: Procfile:2: "this is not a process line" is not a process line/);
    expect((await ps(root)).map((r) => [r.name, r.state, r.restarts])).toEqual([['web.1', 'running', 0], ['worker.1', 'running', 0]]);
    writeFileSync(join(root, 'Procfile'), `web: ${fixture('drain', '50')}\nclock: ${fixture('drain', '50')}\n`);
    await tf.waitForLine('READY clock.1');
    const rows = await ps(root);
    expect(rows.map((r) => [r.name, r.port, r.state])).toEqual([['web.1', 8300, 'running'], ['clock.1', 8400, 'running']]);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('reloads .env: the restarted processes see the new value', async () => {
    const { root, tf } = await watching({ Procfile: `web: ${fixture('drain', '50')}\nenv: sh -c 'echo "GREETING=$GREETING"; exec sleep 600'\n`, '.env': 'GREETING=hello\n' }, 1);
    await tf.waitForLine('GREETING=hello');
    writeFileSync(join(root, '.env'), 'GREETING=bonjour\n');
    await tf.waitForLine('.env changed, reloading the config');
    await tf.waitForLine('GREETING=bonjour');
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('ignores what git ignores, editor temp files and its own redirected output; watch: false opts a type out', async () => {
    const root = tmpApp({
      Procfile: `web: ${fixture('drain', '20')}\nredis: sh -c 'while :; do date > dump.rdb; date > tmp/x.pid; date > logs/nested.log; sleep 0.1; done'\ndb: ${fixture('drain', '20')}\ncache: ${fixture('drain', '20')}\n`,
      'tf.yml': 'processes:\n  db: { watch: false }\n  cache: { watch: [] }\n',
      '.gitignore': 'dump.rdb\n/tmp/\n',
      'logs/.gitignore': '*.log\n',
      '.git/info/exclude': 'secret.txt\n',
      'src/a.js': '',
      'tmp/.keep': '',
    });
    const tag = newTag();
    const out = openSync(join(root, 'out.log'), 'w');
    // `tf start --watch > out.log` inside the root: every line tf prints changes out.log.
    const tf = spawn(process.execPath, [TF_BIN, 'start', '--no-timestamps', '-p', '24700', '--watch'], { cwd: root, env: cleanEnv({ [TAG_VARIABLE]: tag }), stdio: ['ignore', out, out] });
    closeSync(out);
    const exited = new Promise<number | null>((done) => tf.once('exit', (code) => done(code)));
    onTestFinished(async () => {
      if (tf.exitCode === null && tf.signalCode === null) tf.kill('SIGKILL');
      await expectNoSurvivors(tag);
    });
    const log = () => readFileSync(join(root, 'out.log'), 'utf8');
    const line = (pattern: RegExp) => waitFor(() => log().split('\n').find((l) => pattern.test(l)), () => `${pattern} in:\n${log()}`);
    await line(/watching /);
    await line(/READY cache\.1/);
    // redis rewrites its gitignored files every 100 ms; wait until it has done so a few times.
    await waitFor(() => log().length > 0 && readFileSync(join(root, 'dump.rdb'), 'utf8').length > 0, 'dump.rdb');
    for (const name of ['4913', '.a.js.swp', 'a.js~', '#a.js#', '.#a.js', 'secret.txt']) writeFileSync(join(root, 'src', name), 'x');
    writeFileSync(join(root, 'secret.txt'), 'x');
    mkdirSync(join(root, 'out'), { recursive: true });
    writeFileSync(join(root, 'out', '.tf-export-app.json'), '{}');
    writeFileSync(join(root, 'out', 'web.service'), 'x');
    writeFileSync(join(root, 'src', 'a.js'), '// edited\n');
    await line(/src\/a\.js changed, restarting web, redis$/);
    await line(/READY web\.1/);
    await waitForPs(root, (rows) => rows.find((r) => r.name === 'web.1')?.state === 'running', 'web.1 running again');
    const changes = log().split('\n').filter((l) => /changed/.test(l));
    expect(changes).toEqual([expect.stringMatching(/^system +\| src\/a\.js changed, restarting web, redis$/)]);
    expect((await ps(root)).map((r) => [r.name, r.restarts])).toEqual([['web.1', 1], ['redis.1', 1], ['db.1', 0], ['cache.1', 0]]);
    tf.kill('SIGTERM');
    expect(await exited).toBe(143);
  });

  it('stops restarting a type that rewrites a watched file each time it starts, naming the file', async () => {
    const root = tmpApp({
      Procfile: `web: sh -c 'sleep 0.1; date > state.txt; exec sleep 600'\nworker: ${fixture('drain', '20')}\n`,
      'tf.yml': "processes:\n  worker: { watch: ['jobs/**'] }\n",
      'jobs/.keep': '',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '24800', '--watch'], { cwd: root });
    await tf.waitForLine('watching ');
    // Whether or not the first write came before the watcher was ready, a touch starts the loop.
    writeFileSync(join(root, 'state.txt'), 'touched\n');
    await tf.waitForLine(/web changed state\.txt within 1s of starting, 3 restarts in a row: a feedback loop, so changes no longer restart web \(add state\.txt to \.gitignore, or give web its own watch: globs in tf\.yml, or watch: false\)$/);
    const restarts = (await ps(root))[0]!.restarts;
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(restarts).toBeLessThanOrEqual(4);
    // Other types still restart on their changes; web's later writes restart nothing.
    writeFileSync(join(root, 'jobs', 'a.js'), 'x\n');
    await tf.waitForLine(/jobs\/a\.js changed, restarting worker$/);
    await tf.waitForLines(/READY worker\.1/, 2);
    expect((await ps(root)).map((r) => r.restarts)).toEqual([restarts, 1]);
    expect(tf.stdout.split('\n').filter((l) => /state\.txt changed/.test(l))).toHaveLength(restarts);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('counts what a process removes as it stops (its pid file) as its own write too', async () => {
    const root = tmpApp({ Procfile: `nginx: sh -c 'trap "rm -f nginx.pid; exit 0" TERM; echo $$ > nginx.pid; while :; do sleep 0.05; done'\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '25200', '--watch'], { cwd: root });
    await tf.waitForLine('watching ');
    writeFileSync(join(root, 'nginx.pid'), 'touched\n');
    await tf.waitForLine(/nginx changed nginx\.pid within 1s of starting, 3 restarts in a row: a feedback loop/);
    expect((await ps(root))[0]!.restarts).toBeLessThanOrEqual(4);
    tf.signal('SIGTERM');
    await tf.result();
  });
});
