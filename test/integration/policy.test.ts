import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { newTag, TAG_VARIABLE, expectNoSurvivors } from '../helpers/processes.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { cleanEnv, runTf, startTf, TF_BIN } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

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

  it('an exit is reported after the output printed before it, even when tf reads that output late', async () => {
    // tf's stdout is a real pipe (64 kB) nobody reads yet: tf pauses the process's pipe with its last
    // lines still in it, and the process exits before tf has read them.
    const root = tmpApp({
      Procfile: `late: sh -c 'i=0; while [ $i -lt 1000 ]; do printf "%0100d\\n" $i; i=$((i+1)); done; echo the very last line; echo $$ > exited.txt; exit 3'\n`,
      'tf.yml': 'processes:\n  late:\n    restart: { policy: restart, limit: 1, window: 1m }\n',
    });
    const fifo = join(root, 'tf-stdout');
    execFileSync('mkfifo', [fifo]);
    // A socket on it would start reading at once: it is made only when the test reads.
    const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    const tag = newTag();
    const tf = spawn(process.execPath, [TF_BIN, 'start', '--no-timestamps'], { cwd: root, env: cleanEnv({ [TAG_VARIABLE]: tag }), stdio: ['ignore', writer, 'inherit'] });
    closeSync(writer);
    const exited = new Promise((resolve) => tf.once('exit', resolve));
    onTestFinished(() => expectNoSurvivors(tag));
    const pidFile = join(root, 'exited.txt');
    const pid = await waitFor(() => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) || undefined : undefined), 'the process to print everything');
    await waitFor(() => !existsSync(`/proc/${pid}`), 'the process to be reaped');
    // One round trip through tf's event loop (or tf has already stopped): the exit has reached tf by now.
    await runTf(['ps'], { cwd: root });
    let stdout = '';
    const reader = new Socket({ fd: readEnd, readable: true, writable: false });
    reader.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    await new Promise((resolve) => reader.once('end', resolve));
    const code = await exited;
    const lines = stdout.split('\n');
    const last = lines.indexOf('late.1 | the very last line');
    expect(last).toBeGreaterThan(0);
    expect(lines[last + 1]).toBe('system | late.1 exited with code 3');
    expect(lines[last + 2]).toBe('system | late.1 crashed once within 1m; not restarting it. Its last lines:');
    expect(lines[last + 12]).toBe('system |   the very last line');
    expect(code).toBe(3);
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
    expect(result.stderr.endsWith(`(stop that process, or choose another base port: -p ${port + 100})\n`)).toBe(true);
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
