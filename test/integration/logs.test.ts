import { describe, expect, it } from 'vitest';
import { started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { runTf, startTf } from '../helpers/tf.js';

const PROCFILE = `web: ${fixture('drain', '50')}\nworker: ${fixture('drain', '50')}\n`;

async function running(port: number, env: Record<string, string> = {}) {
  const root = tmpApp({ Procfile: PROCFILE });
  const tf = startTf(['start', '--no-timestamps', '-p', String(port), 'web=2', 'worker=1'], { cwd: root, env });
  await started(tf);
  await tf.waitForLines(/READY/, 3);
  return { root, tf };
}

describe('tf logs', () => {
  it('--no-follow prints the earlier lines and exits while tf start runs on', async () => {
    const { root, tf } = await running(27450);
    const result = await runTf(['logs', '--no-follow'], { cwd: root, timeoutMs: 20_000 });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^web\.1 +\| READY web\.1/m);
    expect(result.stdout).toMatch(/^worker\.1 +\| READY worker\.1/m);
    expect(result.stdout).toMatch(/^system +\| web\.1 started \(pid/m);
    const last = await runTf(['logs', '--no-follow', '-n', '2'], { cwd: root });
    expect(last.stdout.split('\n')).toHaveLength(3);
    expect(tf.child.exitCode).toBeNull();
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('shows only the processes or types named, the last N of them', async () => {
    const { root, tf } = await running(27460);
    const web = await runTf(['logs', 'web', '--no-follow'], { cwd: root });
    expect(web.code, web.stderr).toBe(0);
    const sources = web.stdout.trimEnd().split('\n').map((line) => line.split(' ')[0]);
    expect(new Set(sources)).toEqual(new Set(['web.1', 'web.2']));
    const one = await runTf(['logs', 'worker.1', 'web.2', '-n', '1', '--no-follow'], { cwd: root });
    expect(one.stdout).toMatch(/^(worker\.1|web\.2) +\| READY \S+ pid=\d+ port=\d+\n$/);
    const unknown = await runTf(['logs', 'wbe', '--no-follow'], { cwd: root });
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'tf: no process or type named "wbe" is running (running: web, worker)\n' });
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('--grep keeps the matching lines, and -n counts only those', async () => {
    const { root, tf } = await running(27465);
    const ready = await runTf(['logs', '--grep', 'READY (web\\.2|worker)', '--no-follow'], { cwd: root });
    expect(ready.code, ready.stderr).toBe(0);
    expect(ready.stdout.trimEnd().split('\n').map((line) => line.split(' ')[0]).sort()).toEqual(['web.2', 'worker.1']);
    const last = await runTf(['logs', 'web', '--grep', '^READY web', '-n', '1', '--no-follow'], { cwd: root });
    expect(last.stdout).toMatch(/^web\.[12] +\| READY web\.[12] pid=\d+ port=\d+\n$/);
    const bad = await runTf(['logs', '--grep', '(', '--no-follow'], { cwd: root });
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/^tf: --grep: "\(" is not a regular expression \([^\n]*\) \(e\.g\. --grep "ERROR\|WARN"\)\n$/);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('follows only the processes named', async () => {
    const { root, tf } = await running(27470);
    const logs = startTf(['logs', 'worker'], { cwd: root });
    await logs.waitForLine(/^worker\.1 +\| READY worker\.1/);
    expect((await runTf(['restart', 'worker', 'web.1'], { cwd: root })).code).toBe(0);
    await logs.waitForLine(/^worker\.1 +\| worker\.1 last line/);
    await logs.waitForLines(/^worker\.1 +\| READY worker\.1/, 2);
    // web.1 restarted too: tf's own lines and web's are not this reader's.
    await tf.waitForLines(/READY web\.1/, 2);
    logs.signal('SIGINT');
    const result = await logs.result();
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').every((line) => line.startsWith('worker.1 '))).toBe(true);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('replays no colour into a pipe or with NO_COLOR, though tf start coloured its terminal', async () => {
    const { root, tf } = await running(27480, { FORCE_COLOR: '1' });
    expect(tf.stdout).toContain('\x1b[');
    const piped = await runTf(['logs', '--no-follow'], { cwd: root });
    expect(piped.stdout).toMatch(/^web\.1 +\| READY/m);
    expect(piped.stdout).not.toContain('\x1b');
    expect((await runTf(['logs', '--no-follow'], { cwd: root, env: { FORCE_COLOR: '1', NO_COLOR: '' } })).stdout).toContain('\x1b[');
    expect((await runTf(['logs', '--no-follow'], { cwd: root, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b');
    tf.signal('SIGTERM');
    await tf.result();
  });
});
