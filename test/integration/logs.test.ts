import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('tf logs: per process, --since, --json', () => {
  it("keeps a quiet process's lines through a flood from another (each process has its own tail)", async () => {
    const root = tmpApp({ Procfile: `quiet: ${fixture('drain', '50')}\nflood: ${fixture('flood', '6')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '29500'], { cwd: root });
    await tf.waitForLine(/^flood\.1 +\| FLOOD DONE/, 60_000);
    const quiet = await runTf(['logs', 'quiet', '--no-follow'], { cwd: root });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^quiet\.1 +\| READY quiet\.1 pid=\d+/m);
    // The merged view: the flood's last lines, in order, and the whole of its own tail (6 MiB printed, 512 KiB kept).
    const flood = await runTf(['logs', 'flood', '--no-follow', '-n', '10000'], { cwd: root });
    const lines = flood.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^flood\.1 +\| FLOOD DONE \d+$/);
    expect(lines.length).toBeGreaterThan(4000);
    expect(lines.length).toBeLessThan(6000);
    expect(lines.slice(0, -1).every((line) => /^flood\.1 +\| f{99}$/.test(line))).toBe(true);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('--since takes a time or a duration, and combines with --grep and the targets', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\nworker: ${fixture('drain', '50')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '29510'], { cwd: root });
    await tf.waitForLines(/READY/, 2);
    const before = new Date().toISOString();
    expect((await runTf(['restart', 'web'], { cwd: root })).code).toBe(0);
    await tf.waitForLines(/READY web\.1/, 2);
    const since = await runTf(['logs', '--since', before, '--no-follow'], { cwd: root });
    expect(since.code, since.stderr).toBe(0);
    expect(since.stdout).toMatch(/^web\.1 +\| web\.1 draining$/m);
    expect(since.stdout.match(/READY/g)).toHaveLength(1);
    expect(since.stdout).not.toContain('worker');
    const grep = await runTf(['logs', 'web', '--since', before, '--grep', '^READY', '--no-follow'], { cwd: root });
    expect(grep.stdout).toMatch(/^web\.1 +\| READY web\.1 pid=\d+ port=29510\n$/);
    // A duration reaches back from now: an hour holds both starts; the future holds nothing.
    const hour = await runTf(['logs', '--since', '1h', '--grep', '^READY web', '--no-follow'], { cwd: root });
    expect(hour.stdout.match(/READY web/g)).toHaveLength(2);
    const future = await runTf(['logs', '--since', new Date(Date.now() + 3_600_000).toISOString(), '--no-follow'], { cwd: root });
    expect(future).toMatchObject({ code: 0, stdout: '' });
    const bad = await runTf(['logs', '--since', 'yesterday', '--no-follow'], { cwd: root });
    expect(bad).toMatchObject({ code: 1, stdout: '', stderr: 'tf: --since: "yesterday" is neither a duration nor a time (write e.g. --since 10m, --since 2h or --since 2026-12-01T04:50:00Z)\n' });
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('--json prints one plain record a line: time, name, stream, line; following too', async () => {
    const errs = `sh -c 'printf "\\033[31mred on stderr\\033[0m\\n" >&2; exec ${fixture('drain', '50')}'`;
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '50')}\nerrs: ${errs}\n` });
    const tf = startTf(['start', '-p', '29520'], { cwd: root, env: { FORCE_COLOR: '1' } });
    await tf.waitForLines(/READY/, 2);
    await tf.waitForLine(/red on stderr/);
    const result = await runTf(['logs', '--json', '--no-follow'], { cwd: root, env: { FORCE_COLOR: '1' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('\x1b');
    const records = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(Object.keys(record)).toEqual(['time', 'name', 'stream', 'line']);
      expect(Math.abs(Date.parse(record.time as string) - Date.now())).toBeLessThan(120_000);
      expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(records).toContainEqual(expect.objectContaining({ name: 'errs.1', stream: 'stderr', line: 'red on stderr' }));
    expect(records).toContainEqual(expect.objectContaining({ name: 'web.1', stream: 'stdout', line: expect.stringMatching(/^READY web\.1 pid=\d+ port=29520$/) }));
    expect(records).toContainEqual(expect.objectContaining({ name: 'system', stream: 'system', line: expect.stringMatching(/^web\.1 started \(pid \d+/) }));
    // Its first line (the tail) shows it is following before web restarts.
    const follow = startTf(['logs', 'web', '--json', '-n', '1'], { cwd: root });
    await follow.waitForLine(/"line":"READY web\.1/);
    expect((await runTf(['restart', 'web'], { cwd: root })).code).toBe(0);
    const drained = JSON.parse(await follow.waitForLine(/draining/)) as Record<string, unknown>;
    expect(drained).toMatchObject({ name: 'web.1', stream: 'stdout', line: 'web.1 draining' });
    follow.signal('SIGINT');
    expect((await follow.result()).code).toBe(0);
    tf.signal('SIGTERM');
    await tf.result();
  });
});

// On a terminal stdout and stderr are one stream: tf labels it tty rather than guess.
describe.runIf(process.platform === 'linux' && process.env.TF_CONTAINMENT !== 'portable')('tf logs and log files in tty mode', () => {
  it('label a tty-mode process\'s lines "tty"', async () => {
    const root = tmpApp({ Procfile: `app: sh -c 'echo to-out; echo to-err >&2; exec ${fixture('drain', '50')}'\n` });
    const tf = startTf(['start', '--tty', '--no-timestamps', '-p', '29530', '--log-dir', 'logs'], { cwd: root });
    await tf.waitForLine(/^app\.1 +\| READY/);
    const result = await runTf(['logs', 'app', '--json', '--no-follow'], { cwd: root });
    const records = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { stream: string; line: string });
    expect(records.filter((record) => /^(to-out|to-err|READY)/.test(record.line)).map((record) => record.stream)).toEqual(['tty', 'tty', 'tty']);
    tf.signal('SIGTERM');
    await tf.result();
    expect(readFileSync(join(root, 'logs', 'app.1.log'), 'utf8')).toMatch(/^\S+Z tty \| to-err$/m);
  });

  it('replays and files a terminal\'s CRLF line ends as the merged stream printed them: LF, no CR', async () => {
    const root = tmpApp({ Procfile: `app: sh -c 'printf "one\\ntwo\\nthree\\n"; exec ${fixture('drain', '50')}'\n` });
    const tf = startTf(['start', '--tty', '--no-timestamps', '-p', '29540', '--log-dir', 'logs'], { cwd: root });
    await tf.waitForLine(/^app\.1 +\| READY/);
    const text = (await runTf(['logs', 'app', '--no-follow'], { cwd: root })).stdout;
    expect(text).toMatch(/^app\.1 +\| one\napp\.1 +\| two\napp\.1 +\| three\n/m);
    expect(text).not.toMatch(/[\r\u240d]/);
    const records = (await runTf(['logs', 'app', '--json', '--no-follow'], { cwd: root })).stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { line: string });
    expect(records.map((record) => record.line)).toEqual(expect.arrayContaining(['one', 'two', 'three']));
    tf.signal('SIGTERM');
    await tf.result();
    expect(tf.stdout).not.toMatch(/\r/);
    const file = readFileSync(join(root, 'logs', 'app.1.log'), 'utf8');
    expect(file).toMatch(/tty \| one\n\S+Z tty \| two\n\S+Z tty \| three\n/);
    expect(file).not.toMatch(/\r/);
  });
});
