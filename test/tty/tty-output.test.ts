import { describe, expect, it } from 'vitest';
import { expectFloodPausedByReader } from '../helpers/flood.js';
import { checkLines, expectAwkwardBytes } from '../helpers/lines.js';
import { newTag } from '../helpers/processes.js';
import { startTf } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';

// The output guarantees of test/integration/output.test.ts, through a real pty (tf-shim --tty): the
// terminal turns each LF into CRLF (ONLCR) and merges stderr into stdout.
const shim = process.platform === 'linux' && process.env.TF_CONTAINMENT !== 'portable';
const ttyYml = (...types: string[]): string => `processes:\n${types.map((type) => `  ${type}: {tty: true}\n`).join('')}`;

describe.runIf(shim)('tty mode output', () => {
  it('keeps every line of concurrent writers whole, ordered and attributed, and prints no CR', async () => {
    const writers = ['a.1', 'b.1', 'c.1', 'd.1'];
    const procfile = writers.map((w) => `${w[0]}: ${fixture('lines', '20000', w, 'stay')}`).join('\n');
    const tf = startTf(['start', '--no-timestamps'], { cwd: tmpApp({ Procfile: procfile, 'tf.yml': ttyYml('a', 'b', 'c', 'd') }) });
    await tf.waitForLines(/^\S+ +\| DONE /, 4, 60_000);
    tf.signal('SIGTERM');
    const result = await tf.result();
    expect(result.stdout).not.toContain('\r');
    checkLines(result.stdout.replace(/^\S+ +\| DONE .*$/gm, ''), writers, 20_000);
  });

  it('survives split UTF-8, invalid bytes, NUL, CR progress, CRLF and a 1 MiB line', async () => {
    const huge = 1024 * 1024;
    const tf = startTf(['start', '--no-timestamps'], { cwd: tmpApp({ Procfile: `bytes: ${fixture('bytes', String(huge))}\n`, 'tf.yml': ttyYml('bytes') }) });
    // stderr is the same terminal: READY follows the last stdout line, which has no newline.
    await tf.waitForLine('no newline at the endREADY bytes');
    tf.signal('SIGTERM');
    const { stdout } = await tf.result();
    const lines = expectAwkwardBytes(stdout, huge);
    // "crlf:end\r\n" reached tf as "crlf:end\r\r\n" (ONLCR): still one line (checked above).
    expect(lines).toContain('no newline at the endREADY bytes');
  });

  it('slows a fast writer down when nobody reads tf, instead of buffering without bound', async () => {
    const root = tmpApp({ Procfile: `flood: ${fixture('flood', '128', 'progress.txt')}\n`, 'tf.yml': ttyYml('flood') });
    await expectFloodPausedByReader(root, newTag(), 128);
  }, 90_000);
});
