import { describe, expect, it } from 'vitest';
import { ps, started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

const server = (delayMs: number) => fixture('server', String(delayMs));

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
    const root = tmpApp({
      Procfile: `web: ${fixture('drain', '50')}\n`,
      'tf.yml': 'processes:\n  web:\n    ready: "line /never/"\n    ready_timeout: 1500ms\n',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '8000'], { cwd: root });
    await tf.waitForLine('READY web.1');
    expect((await ps(root))[0]!.state).toBe('starting');
    await tf.waitForLine('web.1 is not ready after 1500ms (no line matched /never/); treating it as running');
    expect((await ps(root))[0]!.state).toBe('running');
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
});
