import { describe, expect, it } from 'vitest';
import { started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

// Stopping a whole tf start from another terminal, as overmind's quit and kill do.
describe('tf quit', () => {
  it('drains every process as on SIGTERM, and returns once tf start has exited', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '300')}\nworker: ${fixture('drain', '300')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '27420'], { cwd: root });
    await started(tf);
    await tf.waitForLines(/READY/, 2);
    const asked = Date.now();
    const quit = await runTf(['quit'], { cwd: root });
    // It waited for the drain (each process takes 300 ms to exit after its SIGTERM).
    expect(Date.now() - asked).toBeGreaterThanOrEqual(300);
    expect(quit.stderr).toBe('');
    expect(quit).toMatchObject({ code: 0, stdout: `tf start in ${root} has stopped\n` });
    const result = await tf.result();
    expect(result.code).toBe(143);
    expect(result.stdout).toMatch(/tf quit was run, stopping all processes/);
    expect(result.stdout).toMatch(/web\.1 +\| web\.1 last line/);
    expect(result.stdout).toMatch(/worker\.1 +\| worker\.1 last line/);
  });
});

describe('tf kill', () => {
  it('SIGKILLs every process group at once, without waiting out the drain', async () => {
    const root = tmpApp({
      Procfile: `web: ${fixture('stubborn')}\nworker: ${fixture('drain', '60000')}\n`,
      'tf.yml': 'processes:\n  web: {drain: 60s}\n  worker: {drain: 60s}\n',
    });
    const tf = startTf(['start', '--no-timestamps', '-p', '27430'], { cwd: root });
    await started(tf);
    await tf.waitForLines(/READY/, 2);
    const kill = await runTf(['kill'], { cwd: root, timeoutMs: 20_000 });
    expect(kill).toMatchObject({ code: 0, stdout: `tf start in ${root} has stopped\n` });
    const result = await tf.result(20_000);
    expect(result.code).toBe(137);
    expect(result.stdout).toMatch(/tf kill was run, killing all processes now/);
    // No stop signal first: neither process saw a SIGTERM.
    expect(result.stdout).not.toMatch(/ignoring SIGTERM|draining/);
  });

  it('cuts short a tf quit that is waiting on a stubborn process', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('stubborn')}\n`, 'tf.yml': 'processes:\n  web: {drain: 60s}\n' });
    const tf = startTf(['start', '--no-timestamps', '-p', '27440'], { cwd: root });
    await started(tf);
    await tf.waitForLine(/READY/);
    const quit = startTf(['quit'], { cwd: root });
    await tf.waitForLine(/ignoring SIGTERM/);
    expect((await runTf(['kill'], { cwd: root })).code).toBe(0);
    expect((await quit.result()).code).toBe(0);
    // The drain's status (as on SIGTERM): tf kill only shortened it.
    expect((await tf.result()).code).toBe(143);
  });
});

describe('tf quit and tf kill without a running tf', () => {
  it.each([['quit'], ['kill']])('tf %s says so when no tf is running there', async (command) => {
    const result = await runTf([command], { cwd: tmpApp({ Procfile: 'web: true\n' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tf: no tf start is running in \/\S+ \(start one with tf start, or name its root with -d\)\n$/);
  });
});
