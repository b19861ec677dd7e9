import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { cleanEnv, startTf, TF_BIN } from '../helpers/tf.js';
import { newTag, TAG_VARIABLE, expectNoSurvivors } from '../helpers/processes.js';
import { checkLines, expectAwkwardBytes } from '../helpers/lines.js';
import { expectFloodPausedByReader } from '../helpers/flood.js';

describe('tf start output', () => {
  it('keeps every line of concurrent writers whole, ordered and attributed', async () => {
    const writers = ['a.1', 'b.1', 'c.1', 'd.1'];
    const procfile = writers.map((w) => `${w[0]}: ${fixture('lines', '20000', w, 'stay')}`).join('\n');
    const tf = startTf(['start', '--no-timestamps'], { cwd: tmpApp({ Procfile: procfile }) });
    await tf.waitForLines(/^\S+ +\| DONE /, 4, 40_000);
    tf.signal('SIGTERM');
    const result = await tf.result();
    checkLines(result.stdout.replace(/^\S+ +\| DONE .*$/gm, ''), writers, 20_000);
  });

  it('prints lines like "HH:MM:SS name | text", names padded, system lines from tf', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '10')}\nlongworker: ${fixture('drain', '10')}\n` });
    const tf = startTf(['start'], { cwd: root });
    await tf.waitForLines(/READY/, 2);
    tf.signal('SIGTERM');
    const { stdout } = await tf.result();
    expect(stdout).toMatch(/^\d\d:\d\d:\d\d web\.1        \| READY web\.1 pid=\d+ port=5000$/m);
    expect(stdout).toMatch(/^\d\d:\d\d:\d\d longworker\.1 \| READY longworker\.1 pid=\d+ port=5100$/m);
    expect(stdout).toMatch(/^\d\d:\d\d:\d\d system       \| web\.1 started \(pid \d+, port 5000\)$/m);
    expect(stdout).not.toContain('\x1b[');
  });

  it('colors only when asked: FORCE_COLOR colors a pipe, NO_COLOR wins over nothing, children get FORCE_COLOR', async () => {
    const root = tmpApp({ Procfile: `web: sh -c 'echo "child FORCE_COLOR=$FORCE_COLOR"'\n` });
    const colored = await startTf(['start', '--no-timestamps'], { cwd: root, env: { FORCE_COLOR: '1' } }).result();
    expect(colored.stdout).toContain('\x1b[36mweb.1  |\x1b[39m child FORCE_COLOR=1');
    const plain = await startTf(['start', '--no-timestamps'], { cwd: root, env: { NO_COLOR: '1' } }).result();
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stdout).toContain('web.1  | child FORCE_COLOR=\n');
  });

  it('--json prints one object a line with time, process, pid, stream and text', async () => {
    const root = tmpApp({ Procfile: `web: sh -c 'echo out; echo err >&2'\n` });
    const { stdout } = await startTf(['start', '--json'], { cwd: root }).result();
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const out = records.find((r) => r.text === 'out')!;
    expect(out).toMatchObject({ process: 'web.1', stream: 'stdout' });
    expect(typeof out.pid).toBe('number');
    expect(new Date(out.time as string).getTime()).not.toBeNaN();
    expect(records.find((r) => r.text === 'err')).toMatchObject({ process: 'web.1', stream: 'stderr' });
    expect(records.some((r) => r.stream === 'system' && String(r.text).includes('web.1 exited with code 0'))).toBe(true);
  });

  it('survives split UTF-8, invalid bytes, NUL, CR progress, CRLF, a 10 MiB line and a last line without newline', async () => {
    const huge = 10 * 1024 * 1024;
    const tf = startTf(['start', '--no-timestamps'], { cwd: tmpApp({ Procfile: `bytes: ${fixture('bytes', String(huge))}\n` }) });
    await tf.waitForLine('READY bytes');
    tf.signal('SIGTERM');
    const { stdout } = await tf.result();
    const lines = expectAwkwardBytes(stdout, huge);
    expect(lines).toEqual(expect.arrayContaining(['no newline at the end', 'READY bytes']));
  });

  it('splits a line past the 16 MiB cap, and says so', async () => {
    const huge = 17 * 1024 * 1024;
    const tf = startTf(['start', '--no-timestamps'], { cwd: tmpApp({ Procfile: `bytes: ${fixture('bytes', String(huge))}\n` }) });
    await tf.waitForLine('READY bytes');
    tf.signal('SIGTERM');
    const { stdout } = await tf.result();
    const pieces = stdout.split('\n').filter((l) => l.startsWith('bytes.1 | huge:') || /^bytes\.1 \| h+:end$/.test(l));
    expect(pieces.map((l) => l.length - 'bytes.1 | '.length)).toEqual([16 * 1024 * 1024, huge + 'huge::end'.length - 16 * 1024 * 1024]);
    expect(stdout).toContain('system  | bytes.1 wrote a line longer than 16 MiB; it was split into pieces of that size');
  });

  it('ends cleanly when its reader goes away (tf start | head)', async () => {
    const root = tmpApp({ Procfile: `spam: ${fixture('lines', '100000', 'spam.1', 'stay')}\nweb: ${fixture('drain', '50')}\n` });
    const tag = newTag();
    const tf = spawn('sh', ['-c', `node ${TF_BIN} start --no-timestamps | head -n 5; echo "status=\${PIPESTATUS:-?}"`], {
      cwd: root,
      env: cleanEnv({ [TAG_VARIABLE]: tag }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    tf.stdout.on('data', (d) => (stdout += d));
    tf.stderr.on('data', (d) => (stderr += d));
    await new Promise((r) => tf.once('close', r));
    expect(stdout.split('\n').filter((l) => l.includes('|'))).toHaveLength(5);
    expect(stderr).toBe('');
    await expectNoSurvivors(tag, 10_000);
  });

  it.each([['help', 'start'], ['env'], ['check']])('tf %s ends quietly when its reader goes away', async (...args) => {
    const root = tmpApp({ Procfile: `web: ${fixture('drain')}\n`, '.env': Array.from({ length: 5000 }, (_, i) => `VAR_${i}=${'v'.repeat(50)}`).join('\n') });
    const child = spawn('sh', ['-c', `node ${TF_BIN} ${args.join(' ')} | head -c 10 >/dev/null`], { cwd: root, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.once('close', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('slows a fast writer down when nobody reads, instead of buffering without bound', async () => {
    const root = tmpApp({ Procfile: `flood: ${fixture('flood', '256', 'progress.txt')}\n` });
    await expectFloodPausedByReader(root, newTag(), 256);
  }, 90_000);
});
