import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ps } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { taggedProcesses } from '../helpers/processes.js';
import { runTf, startTf } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

// db makes ./db.up once "ready" and removes it at its stop signal; app exits 1 ("no db", "lost
// db") whenever it runs without that file: what a web app does when postgres is not there.
const SETTINGS = [
  'processes:',
  '  db: { ready: "line /db up/" }',
  '  app: { depends_on: [db] }',
  '',
].join('\n');

function stack(dbDelayMs: number, appDrainMs: number, settings = SETTINGS, extra = '') {
  return tmpApp({ Procfile: `db: ${fixture('dep', 'db', String(dbDelayMs))}\napp: ${fixture('dep', 'app', String(appDrainMs))}\n${extra}`, 'tf.yml': settings });
}

/** The lines of tf's stdout from the Nth match of `from` on, without the prefix column. */
function linesAfter(stdout: string, from: RegExp, nth = 1): string[] {
  const lines = stdout.split('\n').map((l) => l.replace(/^\S+ +\| /, ''));
  let seen = 0;
  const at = lines.findIndex((l) => from.test(l) && ++seen === nth);
  return at < 0 ? [] : lines.slice(at);
}

describe('depends_on at every start', () => {
  it('tf restart of everything starts the dependent only once its dependency is ready again', async () => {
    const root = stack(400, 50);
    const tf = startTf(['start', '--no-timestamps', '-p', '24000'], { cwd: root });
    await tf.waitForLine('READY app.1');
    for (let run = 1; run <= 3; run++) {
      const result = await runTf(['restart'], { cwd: root });
      expect(result.stdout).toBe('restarted db.1, app.1\n');
      expect(result.code).toBe(0);
      // tf's own stdout may reach this test a moment after the reply on the control socket.
      await tf.waitForLines(/\| app\.1 started/, run + 1);
      const after = linesAfter(tf.stdout, /^sending SIGTERM to/, run);
      const at = (pattern: RegExp) => after.findIndex((l) => pattern.test(l));
      expect(at(/^app\.1 started/)).toBeGreaterThan(at(/^db\.1 is ready/));
      expect(at(/^db\.1 is ready/)).toBeGreaterThan(-1);
    }
    expect(tf.stdout).not.toContain('no db');
    expect((await ps(root)).map((r) => [r.name, r.state, r.restarts])).toEqual([['db.1', 'ready', 3], ['app.1', 'running', 3]]);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('a crash restart waits for the dependency; restarting the dependency leaves its dependents alone unless asked', async () => {
    const root = stack(1000, 50, [...SETTINGS.split('\n').slice(0, 2), '  app: { depends_on: [db], restart: restart }', ''].join('\n'));
    const tf = startTf(['start', '--no-timestamps', '-p', '24100'], { cwd: root });
    await tf.waitForLine('READY app.1');
    // db drains: app loses it and crashes; its backoff (100 ms) ends long before db is back.
    expect((await runTf(['restart', 'db'], { cwd: root })).stdout).toBe('restarted db.1\n');
    await tf.waitForLines(/READY app\.1/, 2);
    const after = linesAfter(tf.stdout, /^app\.1 lost db/);
    expect(after.findIndex((l) => /^app\.1 started/.test(l))).toBeGreaterThan(after.findIndex((l) => /^db\.1 is ready/.test(l)));
    expect(after.some((l) => /^app\.1 waits for db to be ready/.test(l))).toBe(true);
    expect(tf.stdout).not.toContain('no db');
    // --with-dependents: app drains too and comes back after db.
    const result = await runTf(['restart', '--with-dependents', 'db'], { cwd: root });
    expect(result.stdout).toBe('restarted db.1, app.1\n');
    expect((await ps(root)).map((r) => [r.name, r.restarts])).toEqual([['db.1', 2], ['app.1', 2]]);
    expect(tf.stdout).not.toContain('no db');
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('--watch: a config reload drains dependents first and starts the new formation in dependency order', async () => {
    const root = stack(300, 300);
    writeFileSync(join(root, '.gitignore'), 'db.up\n');
    const tf = startTf(['start', '--no-timestamps', '-p', '24250', '--watch'], { cwd: root });
    await tf.waitForLine('watching ');
    await tf.waitForLine('READY app.1');
    writeFileSync(join(root, 'tf.yml'), `${SETTINGS}# touched\n`);
    await tf.waitForLine('tf.yml changed, reloading the config');
    await tf.waitForLines(/READY app\.1/, 2);
    const after = linesAfter(tf.stdout, /reloading the config/);
    const at = (pattern: RegExp) => after.findIndex((l) => pattern.test(l));
    expect(at(/^sending SIGTERM to db\.1$/)).toBeGreaterThan(at(/^app\.1 exited with code 0$/));
    expect(at(/^app\.1 started/)).toBeGreaterThan(at(/^db\.1 is ready/));
    expect(tf.stdout).not.toMatch(/no db|lost db/);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('tf restart exits 1 naming a process that did not come back', async () => {
    const root = tmpApp({
      // A ready check makes "up" an event: without one, a process is up once spawned.
      Procfile: `web: ${fixture('drain', '50')}\nflaky: sh -c 'if [ -e once ]; then exit 3; fi; touch once; echo up; exec sleep 600'\n`,
      'tf.yml': 'processes:\n  flaky: { ready: "line /up/", restart: { policy: restart, limit: 1, window: 1m } }\n',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '24200'], { cwd: root });
    await tf.waitForLine('READY web.1');
    await tf.waitForLine('flaky.1 is ready');
    const result = await runTf(['restart'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('restarted web.1\n');
    expect(result.stderr).toMatch(/^tf: flaky\.1 did not come back up: (backoff|crashed), last exit status 3 \(see its output with tf logs\)\n$/);
    tf.signal('SIGTERM');
    await tf.result();
  });
});

describe('stopping in reverse dependency order', () => {
  it('stops dependents first and lets them drain; the dependency gets its signal once they have exited', async () => {
    const root = stack(0, 400, [...SETTINGS.split('\n').slice(0, 3), '  other: {}', ''].join('\n'), `other: ${fixture('drain', '100')}\n`);
    const tf = startTf(['start', '--no-timestamps', '-p', '24300'], { cwd: root });
    await tf.waitForLine('READY app.1');
    await tf.waitForLine('READY other.1');
    tf.signal('SIGINT');
    const result = await tf.result();
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('received SIGINT, stopping app, other; then db (waiting up to 5s each; Ctrl-C again to kill now)');
    const after = linesAfter(result.stdout, /^received SIGINT/);
    const at = (pattern: RegExp) => after.findIndex((l) => pattern.test(l));
    expect(at(/^sending SIGTERM to app\.1, other\.1$/)).toBe(1);
    expect(at(/^app\.1 drained$/)).toBeGreaterThan(0);
    expect(at(/^sending SIGTERM to db\.1$/)).toBeGreaterThan(at(/^app\.1 exited with code 0$/));
    expect(result.stdout).not.toContain('lost db');
  });

  it('a second Ctrl-C kills everything at once, the waiting dependency included', async () => {
    const root = tmpApp({
      Procfile: `db: ${fixture('drain', '50')}\napp: ${fixture('stubborn')}\n`,
      'tf.yml': 'processes:\n  app: { depends_on: [db] }\n',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '24400'], { cwd: root });
    await tf.waitForLine('READY db.1');
    await tf.waitForLine('stubborn');
    tf.signal('SIGINT');
    await tf.waitForLine('sending SIGTERM to app.1');
    await tf.waitForLine('ignoring SIGTERM');
    tf.signal('SIGINT');
    const result = await tf.result();
    expect(result.stdout).toContain('received SIGINT again, killing all processes now');
    expect(result.stdout).not.toContain('sending SIGTERM to db.1');
    expect(result.stdout).toContain('db.1 was terminated by SIGKILL');
  });

  it('kill -9 of tf while dependents drain still ends everything, the waiting dependency included', async () => {
    const root = stack(0, 30_000);
    const tf = startTf(['start', '--no-timestamps', '-p', '24450'], { cwd: root });
    await tf.waitForLine('READY app.1');
    tf.signal('SIGINT');
    await tf.waitForLine(/^app\.1 +\| app\.1 draining$/);
    tf.signal('SIGKILL');
    await tf.result();
    // startTf's check: nothing tf started may outlive the test (the watchdog's job).
    await waitFor(() => taggedProcesses(tf.tag).length === 0, 'the watchdog to end app.1 and db.1');
  });

  it('tf check shows the start and stop order', async () => {
    const root = tmpApp({
      Procfile: 'web: a\nworker: b\npostgres: c\nredis: d\n',
      'tf.yml': 'processes:\n  web: { depends_on: [postgres, redis] }\n  worker: { depends_on: [postgres] }\n',
    });
    const { stdout } = await runTf(['check'], { cwd: root });
    expect(stdout).toContain('start order: postgres, redis; then web, worker\nstop order:  web, worker; then postgres, redis\n');
    const plain = await runTf(['check'], { cwd: tmpApp({ Procfile: 'web: a\nworker: b\n' }) });
    expect(plain.stdout).toContain('order:      all start together and stop together (no depends_on)');
  });
});
