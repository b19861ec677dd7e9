import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ps } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { startTf } from '../helpers/tf.js';

const PROCFILE = `web: ${fixture('drain', '50')}\nworker: ${fixture('drain', '50')}\n`;

async function watching(files: Record<string, string>, ready = 2) {
  const root = tmpApp(files);
  const tf = startTf(['start', '--no-timestamps', '-p', '8300', '--watch'], { cwd: root });
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
    });
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
});
