import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ps, started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

const server = (delayMs: number) => fixture('server', String(delayMs));

/** Who holds a port comes from /proc, or from ps and lsof (the macOS path, forced here so it cannot rot). */
const TABLES = [
  { table: '/proc', env: {} },
  { table: 'ps and lsof', env: { TF_PROCESS_TABLE: 'ps' } },
];

describe('ready checks and depends_on', () => {
  it('starts a type only once its dependencies are ready: port, line and cmd checks', async () => {
    const root = tmpApp({
      Procfile: `web: ${server(300)}\nclock: ${fixture('lines', '3', 'tick', 'stay')}\nworker: ${fixture('drain', '50')}\n`,
      'tf.yml': [
        'processes:',
        '  web: { ready: port }',
        '  clock: { ready: "line /^DONE tick$/" }',
        '  worker:',
        '    depends_on: [web, clock]',
        '    ready: "cmd test -n \\"$PORT\\" && test \\"$PS\\" = worker.1"',
        '',
      ].join('\n'),
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '7900'], { cwd: root });
    await tf.waitForLine('worker.1 waits for web and clock to be ready');
    await tf.waitForLine('worker.1 is ready ("test -n "$PORT" && test "$PS" = worker.1" exited 0)');
    const lines = tf.stdout.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('web.1 is ready (port 7900 accepts connections)')).toBeGreaterThan(at('web.1 | listening'));
    expect(at('clock.1 is ready (printed a line matching /^DONE tick$/)')).toBeGreaterThan(-1);
    expect(at('worker.1 started')).toBeGreaterThan(at('web.1 is ready'));
    expect(at('worker.1 started')).toBeGreaterThan(at('clock.1 is ready'));
    expect((await ps(root)).map((r) => [r.name, r.state])).toEqual([['web.1', 'ready'], ['clock.1', 'ready'], ['worker.1', 'ready']]);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('shows starting until the check passes, and running when it times out', async () => {
    // web is ready when the test says so (no clock involved); slow never is, and times out.
    const root = tmpApp({
      Procfile: `web: sh -c 'echo waiting; while [ ! -e go ]; do sleep 0.02; done; echo GO; exec sleep 600'\nslow: ${fixture('drain', '50')}\n`,
      'tf.yml': 'processes:\n  web:\n    ready: "line /^GO$/"\n    ready_timeout: 10m\n  slow:\n    ready: "line /never/"\n    ready_timeout: 1500ms\n',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '8000'], { cwd: root });
    await tf.waitForLine(/^web\.1 +\| waiting$/);
    expect((await ps(root))[0]!.state).toBe('starting');
    writeFileSync(join(root, 'go'), '');
    await tf.waitForLine('web.1 is ready (printed a line matching /^GO$/)');
    expect((await ps(root))[0]!.state).toBe('ready');
    await tf.waitForLine('slow.1 is not ready after 1500ms (no line matched /never/); treating it as running');
    expect((await ps(root))[1]!.state).toBe('running');
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('restarts a type with a ready check one instance at a time, keeping one up', async () => {
    const root = tmpApp({ Procfile: `web: ${server(200)}\n`, 'tf.yml': 'processes:\n  web: { ready: port }\n' });
    const tf = startTf(['start', '--no-timestamps', '-p', '8100', 'web=3'], { cwd: root });
    await tf.waitForLines(/web\.\d is ready/, 3);
    expect((await runTf(['restart', 'web'], { cwd: root })).stdout).toBe('restarted web.1, web.2, web.3\n');
    const events = tf.stdout.split('\n').filter((l) => /sending SIGTERM to|is ready/.test(l)).map((l) => l.replace(/^system +\| /, '').replace(/ \(.*/, ''));
    expect(events.slice(3)).toEqual([
      'sending SIGTERM to web.1', 'web.1 is ready',
      'sending SIGTERM to web.2', 'web.2 is ready',
      'sending SIGTERM to web.3', 'web.3 is ready',
    ]);
    expect((await ps(root)).map((r) => [r.state, r.restarts])).toEqual([['ready', 1], ['ready', 1], ['ready', 1]]);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('makes scaled-up instances of a dependent type wait too', async () => {
    const root = tmpApp({
      Procfile: `web: ${server(100)}\nworker: ${fixture('drain', '50')}\n`,
      'tf.yml': 'processes:\n  web: { ready: port }\n  worker: { depends_on: web }\n',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '8200', 'web', 'worker=0'], { cwd: root });
    await started(tf);
    await tf.waitForLine('web.1 is ready');
    await runTf(['scale', 'worker=2'], { cwd: root });
    await tf.waitForLines(/READY worker\.\d/, 2);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it.each(TABLES)('a ready: port check is not satisfied by another program listening on that port ($table)', async ({ env }) => {
    const root = tmpApp({
      Procfile: `web: sh -c '${fixture('server', '0').replaceAll("'", '')}; true'\ndb: sh -c 'echo up; exec sleep 600'\n`,
      'tf.yml': 'processes:\n  web: { ready: port }\n  db: { ready: port, ready_timeout: 1500ms, depends_on: [web] }\n',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '24900'], { cwd: root, env });
    // Somebody else's server takes db's port after tf checked it was free, before db starts.
    await tf.waitForLine('web.1 started');
    const other = createServer();
    await new Promise<void>((listening) => other.listen(25000, '127.0.0.1', listening));
    try {
      // web's listener is a child of its shell: a descendant counts as the process.
      await tf.waitForLine('web.1 is ready (port 24900 accepts connections)');
      await tf.waitForLine(`db.1 is not ready after 1500ms (port 25000 is held by another program (pid ${process.pid}, `);
      expect(tf.stdout).not.toContain('db.1 is ready');
    } finally {
      other.close();
    }
    tf.signal('SIGTERM');
    await tf.result();
  });

  it.each(TABLES)('refuses to start when a ready: port type would get a port in use, naming the holder ($table)', async ({ env }) => {
    const other = createServer();
    await new Promise<void>((listening) => other.listen(25100, '127.0.0.1', listening));
    try {
      const root = tmpApp({ Procfile: `db: ${server(0)}\n`, 'tf.yml': 'processes:\n  db: { ready: port }\n' });
      const result = await runTf(['start', '--no-timestamps', '-p', '25100'], { cwd: root, env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^tf: port 25100 is in use \\(pid ${process.pid}, .+\\) \\(stop that process, or choose another base port: -p 25200\\)\n$`));
      expect(result.stdout).toBe('');
    } finally {
      other.close();
    }
  });
});
