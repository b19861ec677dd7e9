import { lstatSync, mkdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ps, socketOf, started, waitForPs } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf, type TfResult } from '../helpers/tf.js';

const PROCFILE = `web: ${fixture('drain', '50')}\nworker: ${fixture('drain', '50')}\n`;

function expectError(result: TfResult, message: RegExp): void {
  const context = `exit ${result.code}, stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, context).toBe(1);
  expect(result.stderr, context).toMatch(/^tf: [^\n]+\n$/);
  expect(result.stderr.trimEnd(), context).toMatch(message);
  expect(result.stdout, context).toBe('');
}

async function running(files: Record<string, string> = { Procfile: PROCFILE }, args: string[] = []) {
  const root = tmpApp(files);
  const tf = startTf(['start', '--no-timestamps', '-p', '7300', ...args], { cwd: root });
  await started(tf);
  return { root, tf };
}

describe('tf ps', () => {
  it('lists every process as a table and as JSON', async () => {
    const { root, tf } = await running();
    await tf.waitForLines(/READY/, 2);
    const table = await runTf(['ps'], { cwd: root });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +PID +PORT +STATE +UPTIME +CPU% +MEM +RESTARTS +LAST EXIT$/);
    // CPU% and MEM are - until the first samples (2 s), then numbers.
    expect(lines[1]).toMatch(/^web\.1 +\d+ +7300 +running +\d+s +(-|\d+\.\d%) +(-|[\d.]+[BKMG]) +0 +-$/);
    expect(lines[2]).toMatch(/^worker\.1 +\d+ +7400 +running +\d+s +(-|\d+\.\d%) +(-|[\d.]+[BKMG]) +0 +-$/);
    expect(lines[3]).toMatch(/^total +(-|\d+\.\d%) +(-|[\d.]+[BKMG])$/);
    const rows = await ps(root);
    expect(rows.map((r) => [r.name, r.type, r.port, r.state, r.restarts, r.lastExit])).toEqual([
      ['web.1', 'web', 7300, 'running', 0, null],
      ['worker.1', 'worker', 7400, 'running', 0, null],
    ]);
    expect(rows.every((r) => typeof r.pid === 'number')).toBe(true);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('finds the root with -d and -f too', async () => {
    const { root, tf } = await running();
    expect((await runTf(['ps', '-d', root], { cwd: '/' })).stdout).toContain('web.1');
    expect((await runTf(['ps', '-f', join(root, 'Procfile')], { cwd: '/' })).stdout).toContain('worker.1');
    tf.signal('SIGTERM');
    await tf.result();
  });

  it.each([['ps'], ['scale', 'web=2'], ['restart'], ['stop', 'web'], ['logs']])('tf %s says so when no tf is running there', async (...args) => {
    const root = tmpApp({ Procfile: PROCFILE });
    expectError(await runTf(args, { cwd: root }), /^tf: no tf start is running in \/\S+ \(start one with tf start, or name its root with -d\)$/);
  });
});

describe('tf scale', () => {
  it('adds instances with the next names and ports, and removes the highest first', async () => {
    const { root, tf } = await running();
    const up = await runTf(['scale', 'worker=3', 'web=2'], { cwd: root });
    expect(up.stdout).toBe('worker: 1 -> 3, started worker.2, worker.3\nweb: 1 -> 2, started web.2\n');
    await tf.waitForLine('READY worker.3 ');
    const rows = await waitForPs(root, (r) => r.length === 5 && r.every((p) => p.state === 'running'), 'five running');
    expect(rows.map((r) => [r.name, r.port])).toEqual([['web.1', 7300], ['web.2', 7301], ['worker.1', 7400], ['worker.2', 7401], ['worker.3', 7402]]);
    expect(tf.stdout).toMatch(/^worker\.3 +\| READY worker\.3 pid=\d+ port=7402$/m);
    const down = await runTf(['scale', 'worker=1'], { cwd: root });
    expect(down.stdout).toBe('worker: 3 -> 1, stopping worker.3, worker.2\n');
    await waitForPs(root, (r) => r.map((p) => p.name).join() === 'web.1,web.2,worker.1', 'worker.2 and worker.3 to be gone');
    expect(tf.stdout).toContain('sending SIGTERM to worker.3, worker.2');
    expect(tf.stdout).toMatch(/^worker\.3 +\| worker\.3 last line$/m);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('refuses an unknown type or a negative count, changing nothing', async () => {
    const { root, tf } = await running();
    expectError(await runTf(['scale', 'worker=2', 'nope=1'], { cwd: root }), /^tf: unknown process type "nope" \(known types: web, worker\)$/);
    expectError(await runTf(['scale', 'web=-1'], { cwd: root }), /^tf: "web=-1": "-1" is not a process count \(use a whole number/);
    expectError(await runTf(['scale', 'web'], { cwd: root }), /^tf: "web" is not a type=count item/);
    expect((await ps(root)).map((r) => r.name)).toEqual(['web.1', 'worker.1']);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('does not run the crash policy of a process that crashes while being scaled down', async () => {
    // worker exits 3 on SIGTERM; its policy is stop, which would stop everything were it a crash.
    const { root, tf } = await running({ Procfile: `web: ${fixture('drain', '50')}\nworker: ${fixture('crash-on-term', '3')}\n` }, ['web', 'worker=2']);
    await tf.waitForLines(/READY crash-on-term/, 2);
    await runTf(['scale', 'worker=0'], { cwd: root });
    await waitForPs(root, (r) => r.map((p) => p.name).join() === 'web.1', 'the workers to be gone');
    expect(tf.stdout).toMatch(/worker\.2 exited with code 3/);
    expect(tf.stdout).not.toContain('stopping all processes');
    expect((await ps(root))[0]!.state).toBe('running');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });
});

describe('tf restart and tf stop', () => {
  it('restarts one process, a type, or everything', async () => {
    const { root, tf } = await running(undefined, ['web=2', 'worker']);
    await tf.waitForLines(/READY/, 3);
    const before = await ps(root);
    expect((await runTf(['restart', 'web.2'], { cwd: root })).stdout).toBe('restarted web.2\n');
    let rows = await ps(root);
    expect(rows.map((r) => r.restarts)).toEqual([0, 1, 0]);
    expect(rows[1]!.pid).not.toBe(before[1]!.pid);
    expect(rows[1]!.lastExit).toBe(0);
    expect((await runTf(['restart', 'worker'], { cwd: root })).stdout).toBe('restarted worker.1\n');
    expect((await runTf(['restart'], { cwd: root })).stdout).toBe('restarted web.1, web.2, worker.1\n');
    rows = await ps(root);
    expect(rows.map((r) => r.restarts)).toEqual([1, 2, 2]);
    // A restart is not a crash: the stop policy did not stop tf.
    expect(tf.stdout).not.toContain('stopping all processes');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('SIGKILLs a process that outlives its drain without touching the rest of the formation', async () => {
    const { root, tf } = await running({ Procfile: `web: ${fixture('stubborn')}\nworker: ${fixture('drain', '50')}\n`, 'tf.yml': 'processes:\n  web: {drain: 200ms}\n' });
    await tf.waitForLines(/READY/, 2);
    const before = await ps(root);
    expect((await runTf(['restart', 'web'], { cwd: root })).stdout).toBe('restarted web.1\n');
    expect(tf.stdout).toContain('web.1 still running after 200ms, sending SIGKILL');
    await tf.waitForLines(/READY stubborn/, 2);
    const after = await ps(root);
    expect(after.map((r) => [r.name, r.state, r.restarts])).toEqual([['web.1', 'running', 1], ['worker.1', 'running', 0]]);
    expect(after[1]!.pid).toBe(before[1]!.pid);
    expect(tf.stdout).not.toMatch(/worker\.1 exited/);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('refuses an unknown name', async () => {
    const { root, tf } = await running();
    expectError(await runTf(['restart', 'web.7'], { cwd: root }), /^tf: unknown process "web\.7" \(running: web\.1, worker\.1; types: web, worker\)$/);
    expectError(await runTf(['stop', 'bogus'], { cwd: root }), /^tf: unknown process "bogus"/);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('stops a process and leaves it stopped until restarted', async () => {
    const { root, tf } = await running();
    await tf.waitForLines(/READY/, 2);
    expect((await runTf(['stop', 'worker'], { cwd: root })).stdout).toBe('stopped worker.1\n');
    let rows = await ps(root);
    expect(rows.map((r) => [r.name, r.state, r.pid, r.lastExit])).toEqual([['web.1', 'running', rows[0]!.pid, null], ['worker.1', 'stopped', null, 0]]);
    expect(tf.stdout).toMatch(/^worker\.1 +\| worker\.1 last line$/m);
    await runTf(['restart', 'worker.1'], { cwd: root });
    rows = await ps(root);
    expect(rows[1]!.state).toBe('running');
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });
});

describe('tf logs', () => {
  it('prints the last lines, then follows, and Ctrl-C detaches without stopping anything', async () => {
    const { root, tf } = await running();
    await tf.waitForLines(/READY/, 2);
    const logs = startTf(['logs'], { cwd: root });
    await logs.waitForLine(/^web\.1 +\| READY web\.1/);
    expect(logs.stdout).toContain('system   | web.1 started (pid');
    await runTf(['scale', 'web=2'], { cwd: root });
    await logs.waitForLine(/^web\.2 +\| READY web\.2 pid=\d+ port=7301$/);
    logs.signal('SIGINT');
    expect((await logs.result()).code).toBe(0);
    expect((await ps(root)).length).toBe(3);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('prints the last lines and exits with --no-follow', async () => {
    const { root, tf } = await running();
    await tf.waitForLines(/READY/, 2);
    const result = await runTf(['logs', '--no-follow', '-n', '2'], { cwd: root, timeoutMs: 20_000 });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(3);
    expect(result.stdout).toMatch(/READY/);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('ends when tf start ends', async () => {
    const { root, tf } = await running();
    await tf.waitForLines(/READY/, 2);
    const logs = startTf(['logs', '-n', '1'], { cwd: root });
    await logs.waitForLine(/\S/);
    expect(logs.stdout.split('\n')).toHaveLength(2);
    tf.signal('SIGTERM');
    await tf.result();
    const result = await logs.result();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('received SIGTERM, stopping all processes');
  });
});

describe('the control socket', () => {
  it('is private, refuses a second tf start, and is removed at exit', async () => {
    const { root, tf } = await running();
    expect(lstatSync(join(root, '.tf')).mode & 0o777).toBe(0o700);
    expect(lstatSync(socketOf(root)).mode & 0o777).toBe(0o600);
    const second = await runTf(['start', '-p', '7500'], { cwd: root });
    expectError(second, new RegExp(`^tf: tf start is already running in ${root} \\(pid ${tf.pid}\\) \\(stop it first`));
    tf.signal('SIGTERM');
    await tf.result();
    expect(existsSync(socketOf(root))).toBe(false);
  });

  it('replaces a stale socket left by a dead tf', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    mkdirSync(join(root, '.tf'), { mode: 0o700 });
    // A socket file nobody listens on, as a SIGKILLed tf leaves it.
    const script = `require('net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script, socketOf(root)]);
    expect(lstatSync(socketOf(root)).isSocket()).toBe(true);
    expectError(await runTf(['ps'], { cwd: root }), /no tf start is running in .* \(its control socket is stale/);
    const tf = startTf(['start', '--no-timestamps', '-p', '7600'], { cwd: root });
    await started(tf);
    expect((await ps(root)).length).toBe(2);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('is an error, before anything starts, where it cannot be made', async () => {
    const file = await runTf(['start'], { cwd: tmpApp({ Procfile: PROCFILE, '.tf/control.sock': 'not a socket\n' }) });
    expectError(file, /^tf: \/\S+\/\.tf\/control\.sock exists and is not a socket \(remove it, or choose another path with --control-socket\)$/);
    const blocked = await runTf(['start'], { cwd: tmpApp({ Procfile: PROCFILE, '.tf': 'a file where the folder goes\n' }) });
    expectError(blocked, /^tf: \S*\.tf is not a folder; tf needs one there for the control socket \(remove \S*\.tf, or move it out of the way/);
  });

  it('can live elsewhere (--control-socket, TF_CONTROL_SOCKET)', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const path = join(root, 'ctl.sock');
    const tf = startTf(['start', '-p', '7700', '--control-socket', path], { cwd: root });
    await started(tf);
    expect(existsSync(socketOf(root))).toBe(false);
    const result = await runTf(['ps'], { cwd: root, env: { TF_CONTROL_SOCKET: path } });
    expect(result.stdout).toContain('worker.1');
    tf.signal('SIGTERM');
    await tf.result();
  });
});
