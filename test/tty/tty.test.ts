import { describe, expect, it } from 'vitest';
import { expectOneLineError } from '../helpers/errors.js';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { runTf, startTf, TF_BIN } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { attachCommand, hasTmux, tmuxPane } from './helpers.js';

// Real pseudo-terminals (tf-shim --tty), and real terminals (tmux) for tf attach.
const shim = process.platform === 'linux' && process.env.TF_CONTAINMENT !== 'portable';
const TTY_YML = 'processes:\n  app:\n    tty: true\n';

/** A Python program that answers on a terminal: its size on SIGWINCH, a line on SIGINT, then a prompt and pdb. */
const DEBUGGEE = [
  'import os, signal, time',
  'x = 42',
  "signal.signal(signal.SIGWINCH, lambda *a: print('size %dx%d' % tuple(os.get_terminal_size())))",
  "signal.signal(signal.SIGINT, lambda *a: print('got SIGINT'))",
  "print('size %dx%d' % tuple(os.get_terminal_size()))",
  "name = input('name? ')",
  "print('hi', name)",
  'breakpoint()',
  "print('after pdb')",
  'while True:',
  '    time.sleep(1)',
  '',
].join('\n');

describe.runIf(shim)('tty mode', () => {
  it('gives the process a terminal on stdin and stdout, TERM, and 80x24 when tf has none', async () => {
    const root = tmpApp({ Procfile: "app: [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; echo TERM=$TERM; stty size\n", 'tf.yml': TTY_YML });
    const result = await runTf(['start'], { cwd: root, env: { TERM: undefined } });
    expect(result.stdout).toMatch(/app\.1 +\| all-ttys\n/);
    expect(result.stdout).toMatch(/app\.1 +\| TERM=xterm-256color\n/);
    // Clean lines: the terminal's CRLF is one line end in the merged stream.
    expect(result.stdout).toMatch(/app\.1 +\| 24 80\n/);
  });

  it('tf start --tty: Python sees a terminal and shows each line at once without flushing', async () => {
    const script = "import sys, time\nprint('isatty', sys.stdout.isatty())\ni = 0\nwhile True:\n    print('tick', i)\n    i += 1\n    time.sleep(0.2)\n";
    const root = tmpApp({ Procfile: 'app: python3 loop.py\n', 'loop.py': script });
    // No PYTHONUNBUFFERED: only the terminal can make Python line-buffer (block-buffered, nothing would show for minutes).
    const tf = startTf(['start', '--tty'], { cwd: root, env: { PYTHONUNBUFFERED: undefined } });
    await tf.waitForLine(/app\.1 +\| isatty True$/);
    await tf.waitForLine(/app\.1 +\| tick 3$/);
    expect(tf.child.exitCode).toBeNull();
    tf.signal('SIGINT');
    expect((await tf.result()).code).toBe(130);
  });

  it('Ctrl-C of tf stops a tty-mode tree, grandchildren included', async () => {
    const root = tmpApp({ Procfile: "app: sh -c 'sleep 600 & echo started; wait'\n", 'tf.yml': TTY_YML });
    const tf = startTf(['start'], { cwd: root });
    await tf.waitForLine(/app\.1 +\| started$/);
    tf.signal('SIGINT');
    await tf.result();
    await expectNoSurvivors(tf.tag);
  });

  it('kill -9 of tf leaves nothing of a tty-mode tree running', async () => {
    const root = tmpApp({ Procfile: "app: sh -c 'sleep 600 & echo started; wait'\n", 'tf.yml': TTY_YML });
    const tf = startTf(['start'], { cwd: root });
    await tf.waitForLine(/app\.1 +\| started$/);
    tf.signal('SIGKILL');
    await tf.exited;
    await expectNoSurvivors(tf.tag, 10_000);
  });

  it('says when a tty process waits at a prompt and nobody is attached', async () => {
    const root = tmpApp({ Procfile: "app: python3 -c \"input('name? ')\"\n", 'tf.yml': TTY_YML });
    const tf = startTf(['start'], { cwd: root });
    await tf.waitForLine(/system +\| app\.1 is waiting for input \(tf attach app\.1\)$/);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('tf attach to a piped process is a one-line error naming tty: true', async () => {
    const root = tmpApp({ Procfile: "web: sh -c 'echo up; sleep 600'\n" });
    const tf = startTf(['start'], { cwd: root });
    await tf.waitForLine(/web\.1 +\| up$/);
    const result = await runTf(['attach', 'web.1'], { cwd: root });
    expectOneLineError(result, /web\.1 has no terminal.*set tty: true for web in tf\.yml/);
    tf.signal('SIGTERM');
    await tf.result();
  });

  it.runIf(hasTmux)('tf attach: keystrokes, pdb, Ctrl-C to the process only, resize, detach', async () => {
    const root = tmpApp({ Procfile: 'dbg: python3 dbg.py\n', 'dbg.py': DEBUGGEE, 'tf.yml': 'processes:\n  dbg:\n    tty: true\n' });
    const tf = startTf(['start'], { cwd: root, env: { PYTHONUNBUFFERED: undefined } });
    // The prompt has no newline yet: the merged stream shows whole lines only.
    await tf.waitForLine(/dbg\.1 +\| size 80x24$/);
    const pane = tmuxPane(root, attachCommand(root, 'dbg'));
    await pane.waitFor(/attached to dbg\.1; Ctrl-\] detaches/, 'the attach notice');
    // The last screenful first, then the size of the attaching terminal reaches the process.
    await pane.waitFor(/name\? /, 'the replayed prompt');
    // Printed while the prompt waits: on the prompt's line.
    await tf.waitForLine(/dbg\.1 +\| .*size 120x40$/);
    pane.keys('C-c');
    await tf.waitForLine(/dbg\.1 +\| .*got SIGINT$/);
    pane.keys('bob', 'Enter');
    await tf.waitForLine(/dbg\.1 +\| hi bob$/);
    await pane.waitFor(/\(Pdb\) $/m, 'the pdb prompt');
    pane.keys('p x', 'Enter');
    await pane.waitFor(/\(Pdb\) p x\n42\n/, 'pdb answering 42');
    pane.keys('c', 'Enter');
    await tf.waitForLine(/dbg\.1 +\| after pdb$/);
    pane.resize(100, 30);
    await tf.waitForLine(/dbg\.1 +\| size 100x30$/);
    pane.keys('C-]');
    await pane.waitFor(/detached from dbg\.1 \(it keeps running\)/, 'the detach notice');
    // Ctrl-C reached the process alone, and detaching left it running.
    expect(tf.stdout).not.toMatch(/exited|stopping/);
    expect(tf.child.exitCode).toBeNull();
    tf.signal('SIGTERM');
    await tf.result();
  });

  it.runIf(hasTmux)("the terminal has tf's size and follows its resize; Ctrl-C in tf's terminal stops everything", async () => {
    const script = "import os, signal, time\nsignal.signal(signal.SIGWINCH, lambda *a: print('size %dx%d' % tuple(os.get_terminal_size())))\nprint('size %dx%d' % tuple(os.get_terminal_size()))\nwhile True:\n    time.sleep(1)\n";
    const root = tmpApp({ Procfile: 'app: python3 size.py\n', 'size.py': script, 'tf.yml': TTY_YML });
    const tag = newTag();
    const pane = tmuxPane(root, `env -u PYTHONUNBUFFERED ${TAG_VARIABLE}=${tag} ${[process.execPath, TF_BIN, 'start'].map((a) => `'${a}'`).join(' ')}; echo tf-exit=$?`);
    await pane.waitFor(/app\.1 +\| size 120x40$/m, "tf's size");
    pane.resize(100, 30);
    await pane.waitFor(/app\.1 +\| size 100x30$/m, 'the new size');
    pane.keys('C-c');
    await pane.waitFor(/tf-exit=130/, 'tf to stop');
    await expectNoSurvivors(tag);
  });

  it.runIf(hasTmux)("interactive: true: tf start's keyboard goes to that process; Ctrl-C still stops the formation", async () => {
    const script = "name = input('name? ')\nprint('hi', name)\nimport time\nwhile True:\n    time.sleep(1)\n";
    const root = tmpApp({ Procfile: 'app: python3 ask.py\nother: sleep 600\n', 'ask.py': script, 'tf.yml': 'processes:\n  app:\n    interactive: true\n' });
    const tag = newTag();
    const pane = tmuxPane(root, `env -u PYTHONUNBUFFERED ${TAG_VARIABLE}=${tag} ${[process.execPath, TF_BIN, 'start'].map((a) => `'${a}'`).join(' ')}; echo tf-exit=$?`);
    // The prompt shows on tf start's live line (so no 'waiting for input' notice: it is in view).
    await pane.waitFor(/app\.1 +\| name\? *\n*$/, 'the prompt on the live line');
    pane.keys('bob', 'Enter');
    await pane.waitFor(/app\.1 +\| name\? bob\n(.*\n)*.*app\.1 +\| hi bob$/m, 'the answer');
    pane.keys('C-c');
    await pane.waitFor(/tf-exit=130/, 'tf to stop');
    await expectNoSurvivors(tag);
  });

  it.runIf(hasTmux)('two attachers both see the output; the most recent one types', async () => {
    const script = "print('ready')\nwhile True:\n    line = input('> ')\n    print('got', line)\n";
    const root = tmpApp({ Procfile: 'app: python3 echo.py\n', 'echo.py': script, 'tf.yml': TTY_YML });
    const tf = startTf(['start'], { cwd: root, env: { PYTHONUNBUFFERED: undefined } });
    await tf.waitForLine(/app\.1 +\| ready$/);
    const first = tmuxPane(root, attachCommand(root, 'app.1'));
    await first.waitFor(/attached to app\.1/, 'the first attach');
    const second = tmuxPane(root, attachCommand(root, 'app.1'), 'second');
    await second.waitFor(/attached to app\.1/, 'the second attach');
    first.keys('one', 'Enter');
    second.keys('two', 'Enter');
    await tf.waitForLine(/app\.1 +\| got two$/);
    await first.waitFor(/got two/, 'the first attacher seeing the output');
    expect(tf.stdout).not.toMatch(/got one/);
    tf.signal('SIGTERM');
    await tf.result();
  });
});

describe.runIf(process.platform === 'linux')('tty mode without the shim', () => {
  it('is a one-line error naming the limit', async () => {
    const root = tmpApp({ Procfile: 'app: echo hi\n', 'tf.yml': TTY_YML });
    const result = await runTf(['start'], { cwd: root, env: { TF_CONTAINMENT: 'portable' } });
    expectOneLineError(result, /tty mode needs tf-shim \(Linux x64\), not with TF_CONTAINMENT=portable/);
  });
});
