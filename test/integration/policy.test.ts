import { createServer, type Server } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

describe('crash policies', () => {
  it('restart: restarts with growing backoff, then gives up and shows the last lines', async () => {
    const root = tmpApp({
      Procfile: `web: ${fixture('drain', '20')}\nflaky: sh -c 'echo "flaky run $$"; exit 2'\n`,
      'tf.yml': 'processes:\n  flaky:\n    restart: { policy: restart, limit: 4, window: 1m }\n',
    });
    const tf = startTf(['start', '--no-timestamps'], { cwd: root });
    await tf.waitForLine('flaky.1 crashed 4 times within 1m; not restarting it. Its last lines:');
    // Each message is its own write: the last lines may arrive a read later than the one above.
    await tf.waitForLine(/^system +\|   flaky run \d+$/);
    expect(tf.stdout).toContain('restarting flaky.1 in 100ms (crash 1 of 4 allowed in 1m)');
    expect(tf.stdout).toContain('restarting flaky.1 in 200ms (crash 2 of 4 allowed in 1m)');
    expect(tf.stdout).toContain('restarting flaky.1 in 400ms (crash 3 of 4 allowed in 1m)');
    expect(tf.stdout).toMatch(/^system +\|   flaky run \d+$/m);
    expect(tf.stdout.match(/flaky\.1 started/g)).toHaveLength(4);
    // The others keep running after tf gives up on one.
    expect(tf.stdout).not.toContain('stopping all processes');
    tf.signal('SIGTERM');
    const result = await tf.result();
    expect(result.code).toBe(143);
  });

  it('restart: the last lines shown are the last ten, however much the process printed', async () => {
    const root = tmpApp({
      Procfile: `flaky: sh -c 'i=100; while [ $i -lt 400 ]; do echo "line $i ${'x'.repeat(50)}"; i=$((i+1)); done; exit 2'\n`,
      'tf.yml': 'processes:\n  flaky:\n    restart: { policy: restart, limit: 1, window: 1m }\n',
    });
    const tf = startTf(['start', '--no-timestamps'], { cwd: root });
    await tf.waitForLine(/^system +\|   line 399 x+$/);
    const shown = tf.stdout.split('\n').filter((line) => /^system +\|   line /.test(line)).map((line) => line.replace(/^system +\|   line (\d+) x+$/, '$1'));
    expect(shown).toEqual(['390', '391', '392', '393', '394', '395', '396', '397', '398', '399']);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('--restart TYPE turns on restarts from the command line', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '20')}\nonce: sh -c 'echo ran; exit 1'\n` });
    const tf = startTf(['start', '--no-timestamps', '--restart', 'once'], { cwd: root });
    await tf.waitForLine('restarting once.1 in 200ms');
    tf.signal('SIGINT');
    expect((await tf.result()).code).toBe(130);
  });

  it('ignore: lets a process end without stopping the rest; tf ends when none is left', async () => {
    const root = tmpApp({
      Procfile: `setup: sh -c 'echo setting up; exit 0'\nslow: sh -c 'echo slow start; sleep 0.5; exit 5'\n`,
      'tf.yml': 'processes:\n  setup: { restart: ignore }\n  slow: { restart: ignore }\n',
    });
    const result = await runTf(['start', '--no-timestamps'], { cwd: root });
    expect(result.stdout).toContain('setup.1 exited with code 0');
    expect(result.stdout).toContain('slow.1 exited with code 5');
    expect(result.stdout).toContain('no process is left running, stopping all processes');
    expect(result.code).toBe(0);
  });
});

describe('start-up checks', () => {
  it('fails early when a web port is taken, naming the holder', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    const root = tmpApp({ Procfile: `web: ${fixture('drain')}\n` });
    const result = await runTf(['start', '-p', String(port)], { cwd: root });
    expect(result.code).toBe(1);
    // The holder is this test's own process; its name is node, whatever title vitest gave it.
    expect(result.stderr.startsWith(`tf: port ${port} is in use (pid ${process.pid}, node`)).toBe(true);
    expect(result.stderr.endsWith('(stop that process, or choose another base port with -p)\n')).toBe(true);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stdout).toBe('');
  });

  it('reports a command that does not exist as exit 127 with a hint', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain')}\nbroken: no-such-command-tf --flag\n` });
    const result = await runTf(['start', '--no-timestamps'], { cwd: root });
    expect(result.code).toBe(127);
    expect(result.stdout).toContain('broken.1 exited with code 127 (command not found: check its command in the Procfile and PATH)');
  });

  it('never starts the release phase, and gives each process PORT, PS and DYNO', async () => {
    const root = tmpApp({
      Procfile: `release: echo RELEASE RAN\nweb: ${fixture('drain')}\nworker: ${fixture('drain')}\n`,
    });
    const tf = startTf(['start', '--no-timestamps', 'web=2', 'worker=1', '-p', '6000'], { cwd: root });
    const ready = await tf.waitForLines(/READY/, 3);
    tf.signal('SIGTERM');
    await tf.result();
    expect(ready.map((l) => l.replace(/pid=\d+/, 'pid=N')).sort()).toEqual([
      'web.1    | READY web.1 pid=N port=6000',
      'web.2    | READY web.2 pid=N port=6001',
      'worker.1 | READY worker.1 pid=N port=6100',
    ]);
    expect(tf.stdout).not.toContain('RELEASE RAN');
  });
});
