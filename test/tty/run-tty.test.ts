import { describe, expect, it } from 'vitest';
import { CrlfToLf } from '../../src/oneoff/tty-run.js';
import { expectOneLineError } from '../helpers/errors.js';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { runTf, startTf, TF_BIN } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { hasTmux, MODES, tmuxPane } from './helpers.js';

// tf run --tty with tf's stdin and stdout pipes, as in CI: a real pty from tf-shim.
const shim = process.platform === 'linux' && process.env.TF_CONTAINMENT !== 'portable';
const PROCFILE = 'web: echo web\n';

describe.runIf(shim)('tf run --tty without a terminal (CI)', () => {
  it('gives the one-off a terminal, returns its output with plain line ends, and its exit status', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const script = '[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; echo TERM=$TERM; stty size; echo oops >&2; exit 3';
    const result = await runTf(['run', '--tty', '--', 'sh', '-c', script], { cwd: root, env: { TERM: undefined } });
    expect(result.code).toBe(3);
    // stderr is the terminal too: it comes back on tf's stdout, in order.
    expect(result.stdout).toBe('all-ttys\nTERM=xterm-256color\n24 80\noops\n');
    expect(result.stderr).toBe('');
  });

  it('without --tty the one-off has no terminal there (tf run hands over what tf has)', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const result = await runTf(['run', '--', 'sh', '-c', '[ -t 1 ] && echo tty || echo no-tty'], { cwd: root });
    expect(result.stdout).toBe('no-tty\n');
  });

  it("forwards tf's stdin, then its end: a prompt gets the answer and a reader sees end of input", async () => {
    const root = tmpApp({ Procfile: PROCFILE, 'ask.py': "import sys\nprint('hi', input('name? '))\nprint('rest', repr(sys.stdin.read()))\n" });
    // The last line has no newline: it still arrives, and the input still ends.
    const result = await runTf(['run', '--tty', '--', 'python3', 'ask.py'], { cwd: root, input: 'bob\nlast', env: { PYTHONUNBUFFERED: undefined } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/hi bob\n/);
    expect(result.stdout).toMatch(/rest 'last'\n/);
  });

  it('a program reading until end of input ends when tf has no input', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const result = await runTf(['run', '--tty', '--', 'sh', '-c', 'cat; echo cat-done'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/cat-done\n$/);
  });

  it('passes SIGTERM on; the status is the one-off\'s (143), and nothing is left running', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const tf = startTf(['run', '--tty', '--', 'sh', '-c', 'sleep 600 & echo started; wait'], { cwd: root });
    await tf.waitForLine(/^started$/);
    tf.signal('SIGTERM');
    expect((await tf.result()).code).toBe(143);
    await expectNoSurvivors(tf.tag);
  });

  it('kill -9 of tf leaves nothing of the one-off running', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const tf = startTf(['run', '--tty', '--', 'sh', '-c', 'sleep 600 & echo started; wait'], { cwd: root });
    await tf.waitForLine(/^started$/);
    tf.signal('SIGKILL');
    await tf.exited;
    await expectNoSurvivors(tf.tag, 10_000);
  });

  it('a command that does not exist exits 127, as without --tty', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const result = await runTf(['run', '--tty', '--', 'no-such-command-tf', 'arg'], { cwd: root });
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/command not found: no-such-command-tf/);
  });
});

describe.runIf(shim && hasTmux)('tf run --tty with a terminal on stdin only (tf run --tty CMD | cat)', () => {
  it('the keys go raw to the one-off, Ctrl-C included, and the terminal is sane afterwards', async () => {
    const script = "import sys, tty\ntty.setcbreak(0)\nprint('ready', sys.stdout.isatty(), flush=True)\nprint('key', sys.stdin.read(1), flush=True)\nsys.stdin.read()\n";
    const root = tmpApp({ Procfile: PROCFILE, 'keys.py': script });
    const tag = newTag();
    const tf = [process.execPath, TF_BIN, 'run', '--tty', '--', 'python3', 'keys.py'].map((a) => `'${a}'`).join(' ');
    const pane = tmuxPane(root, `{ ${TAG_VARIABLE}=${tag} ${tf}; echo status=$?; } | cat; ${MODES}`);
    await pane.waitFor(/^ready True$/m, 'the one-off on a terminal');
    pane.keys('k');
    await pane.waitFor(/^key k$/m, 'the key without Enter');
    // Ctrl-C goes through the one-off's terminal to it (KeyboardInterrupt), not to tf.
    pane.keys('C-c');
    await pane.waitFor(/KeyboardInterrupt\n(.*\n)*status=130\nmodes=icanon,echo$/m, 'the one-off to end, and the terminal sane');
    await expectNoSurvivors(tag);
  });
});

describe.runIf(process.platform === 'linux')('tf run --tty without the shim', () => {
  it('is a one-line error naming the limit', async () => {
    const root = tmpApp({ Procfile: PROCFILE });
    const result = await runTf(['run', '--tty', '--', 'true'], { cwd: root, env: { TF_CONTAINMENT: 'portable' } });
    expectOneLineError(result, /tty mode needs tf-shim \(Linux x64\), not with TF_CONTAINMENT=portable/);
  });
});

describe('CrlfToLf', () => {
  it('turns CRLF into LF across reads and keeps a lone CR (a progress bar)', () => {
    const lineEnds = new CrlfToLf();
    const out = ['a\r\nb\r', '\nc\r', 'd\r\n', 'e\r'].map((text) => lineEnds.push(Buffer.from(text)).toString()).join('') + lineEnds.end().toString();
    expect(out).toBe('a\nb\nc\rd\ne\r');
  });
});
