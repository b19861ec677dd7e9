import { describe, expect, it } from 'vitest';
import { started } from '../helpers/control.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { startTf } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

// A child's terminal escapes must not reach the user's terminal raw: colours are kept, every
// other control sequence is shown as text, so a child cannot retitle the terminal, write the
// clipboard, clear the screen, or move the cursor to overwrite a line with a forged `system |`.

const ESC = '\u001b';
/** Any control character but TAB and LF, or a C1 control, that is not part of an SGR sequence. */
const RAW_CONTROL = /\u001b(?!\[[0-9;:]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]/;

/** COLOURS: whether the reader keeps the children's colours (tf logs into a pipe drops them). */
function expectSafe(text: string, colours = true): void {
  expect(text).not.toMatch(RAW_CONTROL);
  expect(text).toContain('web.1  | \u241b]0;pwned title\u2407\n');
  expect(text).toContain('web.1  | \u241b]52;c;ZWNobyBwd25lZA==\u2407\n');
  // The CR ends a line (so it cannot return to column 0); the cursor move is shown.
  expect(text).toContain('web.1  | \u241b[1A\u241b[2K\n');
  expect(text).toContain('web.1  | system | all processes stopped\n');
  expect(text).toContain('web.1  | \u241b[2J\u241b[H\n');
  expect(text).toContain('web.1  | bell\u2407 and backspace\u2408\u2408\n');
  expect(text).toContain('web.1  | \uFFFD31mc1\n');
  expect(text).toContain(colours ? `web.1  | ${ESC}[31mred${ESC}[0m and ${ESC}[1;32mbold green${ESC}[0m\n` : 'web.1  | red and bold green\n');
  // The only `system |` lines at the start of a line are tf's own.
  for (const line of text.split('\n').filter((l) => l.startsWith('system'))) expect(line).not.toContain('all processes stopped');
}

describe('terminal escapes from children', () => {
  it('are shown, not obeyed, in text mode and in tf logs; colours stay', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('escapes')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '21600'], { cwd: root });
    await started(tf);
    await tf.waitForLine(/web\.1 +\| READY/);
    expectSafe(tf.stdout);
    const logs = startTf(['logs'], { cwd: root });
    await waitFor(() => logs.stdout.includes('READY'), () => `READY in tf logs (so far: ${JSON.stringify(logs.stdout)})`);
    expectSafe(logs.stdout, false);
    logs.signal('SIGINT');
    expect((await logs.result()).code).toBe(0);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
  });

  it('are shown, not obeyed, with colours on (FORCE_COLOR=1): the prefixes and the child colours stay', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('escapes')}\n` });
    const tf = startTf(['start', '--no-timestamps', '-p', '21620'], { cwd: root, env: { FORCE_COLOR: '1' } });
    await tf.waitForLine(/ READY$/);
    expect(tf.stdout).not.toMatch(RAW_CONTROL);
    const prefix = `${ESC}[36mweb.1  |${ESC}[39m `;
    expect(tf.stdout).toContain(`${prefix}\u241b[1A\u241b[2K\n`);
    expect(tf.stdout).toContain(`${prefix}${ESC}[31mred${ESC}[0m and ${ESC}[1;32mbold green${ESC}[0m\n`);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('stay escaped by JSON in --json mode', async () => {
    const root = tmpApp({ Procfile: `web: ${fixture('escapes')}\n` });
    const tf = startTf(['start', '--json', '-p', '21610'], { cwd: root });
    await tf.waitForLine(/"text":"READY"/);
    expect(tf.stdout).not.toMatch(/\u001b/);
    const texts = tf.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
    expect(texts).toContain(`${ESC}]0;pwned title\u0007`);
    tf.signal('SIGTERM');
    await tf.result();
  });
});
