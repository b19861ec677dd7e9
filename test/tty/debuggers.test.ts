import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runTf, startTf } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { attachCommand, hasTmux, tmuxPane } from './helpers.js';

// Debuggers and colour through a process's terminal (tty: true), driven in a real terminal (tmux).
const shim = process.platform === 'linux' && process.env.TF_CONTAINMENT !== 'portable';
const hasIrb = spawnSync('ruby', ['-e', 'require "irb"']).status === 0;
/** node inspect's own inspector port: one of this file's (28500-28999), so parallel files never share it. */
const INSPECT_PORT = 28510;

describe.runIf(shim && hasTmux)('debuggers through tf attach', () => {
  it.runIf(hasIrb)('binding.irb: the prompt waits, x answers 42 through tf attach, exit continues', async () => {
    const script = ['x = 42', 'puts "before irb"', 'binding.irb', 'puts "after irb"', 'sleep', ''].join('\n');
    const root = tmpApp({ Procfile: 'dbg: ruby dbg.rb\n', 'dbg.rb': script, 'tf.yml': 'processes:\n  dbg:\n    tty: true\n' });
    const tf = startTf(['start'], { cwd: root });
    await tf.waitForLine(/dbg\.1 +\| before irb$/);
    await tf.waitForLine(/system +\| dbg\.1 is waiting for input \(tf attach dbg\.1\)$/);
    const pane = tmuxPane(root, attachCommand(root, 'dbg'));
    await pane.waitFor(/irb\(main\):\d+:\d+> $/m, 'the irb prompt');
    pane.keys('x', 'Enter');
    await pane.waitFor(/=> 42$/m, 'irb answering 42');
    pane.keys('exit', 'Enter');
    await tf.waitForLine(/dbg\.1 +\| .*after irb$/);
    pane.keys('C-]');
    await pane.waitFor(/detached from dbg\.1/, 'the detach notice');
    tf.signal('SIGTERM');
    await tf.result();
  });

  it('node inspect: cont to the debugger statement, exec x answers 42, cont runs on', async () => {
    const app = ['const x = 42;', 'debugger;', "console.log('after debugger', x);", 'setInterval(() => {}, 1000);', ''].join('\n');
    const root = tmpApp({ Procfile: `dbg: node inspect --port=${INSPECT_PORT} app.js\n`, 'app.js': app, 'tf.yml': 'processes:\n  dbg:\n    tty: true\n' });
    const tf = startTf(['start'], { cwd: root });
    await tf.waitForLine(/system +\| dbg\.1 is waiting for input/);
    const pane = tmuxPane(root, attachCommand(root, 'dbg'));
    await pane.waitFor(/debug> $/m, 'the debug prompt');
    pane.keys('cont', 'Enter');
    await pane.waitFor(/break in .*app\.js:2/i, 'the stop at debugger');
    pane.keys('exec x', 'Enter');
    await pane.waitFor(/^(debug> )?42$/m, 'exec x answering 42');
    pane.keys('cont', 'Enter');
    await tf.waitForLine(/dbg\.1 +\| .*after debugger 42$/);
    pane.keys('C-]');
    await pane.waitFor(/detached from dbg\.1/, 'the detach notice');
    tf.signal('SIGTERM');
    await tf.result();
  });
});

describe.runIf(shim && hasTmux)('the replay on attach', () => {
  it('shows a \\r progress bar at its last state, after the lines before it', async () => {
    // 1,000 updates of one line (~30 KiB, within the 64 KiB tail), each as long as the last or longer, then it waits.
    const script = "import sys, time\nprint('header')\nfor i in range(1, 1001):\n    sys.stdout.write('\\rprogress %4d/1000 ' % i + '#' * (i // 50))\nsys.stdout.flush()\ntime.sleep(600)\n";
    const root = tmpApp({ Procfile: 'bar: python3 bar.py\n', 'bar.py': script, 'tf.yml': 'processes:\n  bar:\n    tty: true\n' });
    const tf = startTf(['start'], { cwd: root });
    // The last update has no line end yet: the merged stream shows the one before.
    await tf.waitForLine(/bar\.1 +\| progress  999\/1000 #{19}$/);
    const pane = tmuxPane(root, attachCommand(root, 'bar'));
    const screen = await pane.waitFor(/^header\nprogress 1000\/1000 #{20}$/m, 'the line before the bar, and its last state');
    // Only the last state shows: every earlier update was overwritten in place.
    expect(screen).not.toMatch(/progress +999/);
    pane.keys('C-]');
    await pane.waitFor(/detached from bar\.1/, 'the detach notice');
    tf.signal('SIGTERM');
    await tf.result();
  });
});

describe.runIf(shim)('colour on a terminal', () => {
  it('ls --color=auto colours in tty mode, and the SGR codes reach the merged stream when tf colours', async () => {
    const files = { Procfile: 'ls: ls --color=auto\n', 'sub/.keep': '' };
    const env = { FORCE_COLOR: '1', LS_COLORS: undefined };
    const tty = await runTf(['start', '--tty'], { cwd: tmpApp(files), env });
    expect(tty.stdout).toMatch(/ls\.1 +\|.* Procfile +\x1b\[0m\x1b\[01;34msub\x1b\[0m\n/);
    // Piped, ls sees no terminal and does not colour.
    const piped = await runTf(['start'], { cwd: tmpApp(files), env });
    expect(piped.stdout).toMatch(/ sub\n/);
    expect(piped.stdout).not.toMatch(/01;34m/);
  });
});
