import { describe, expect, it } from 'vitest';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { TF_BIN } from '../helpers/tf.js';
import { tmpApp } from '../helpers/tmp-app.js';
import { hasTmux, MODES, tmuxPane } from './helpers.js';

// tf start's own keyboard, raw, in a real terminal (tmux): interactive: true, and --tty with one process.
const shim = process.platform === 'linux' && process.env.TF_CONTAINMENT !== 'portable';

/** Answers each key at once: its terminal (the pty) in cbreak mode, so only tf's could hold a key back. */
const KEYS = ["import sys, tty", "tty.setcbreak(sys.stdin.fileno())", "print('ready')", 'while True:', "    print('got', repr(sys.stdin.read(1)))", ''].join('\n');
const ASK = "print('hi', input('name? '))\nimport time\nwhile True:\n    time.sleep(1)\n";

/** tf start ARGS as a shell command, tagged. */
function tfStart(tag: string, ...args: string[]): string {
  return `env -u PYTHONUNBUFFERED ${TAG_VARIABLE}=${tag} ${[process.execPath, TF_BIN, 'start', ...args].map((a) => `'${a}'`).join(' ')}`;
}

/** tf start ARGS, then its status and the line discipline of the pane's terminal. */
function startCommand(tag: string, ...args: string[]): string {
  return `${tfStart(tag, ...args)}; echo tf-exit=$?; ${MODES}`;
}


describe.runIf(shim && hasTmux)("tf start's keyboard, raw", () => {
  it('interactive: true: a program reading single keys gets each key without Enter; Ctrl-C stops everything and the terminal is sane again', async () => {
    const root = tmpApp({ Procfile: 'keys: python3 keys.py\nother: sleep 600\n', 'keys.py': KEYS, 'tf.yml': 'processes:\n  keys:\n    interactive: true\n' });
    const tag = newTag();
    const pane = tmuxPane(root, startCommand(tag));
    await pane.waitFor(/keys\.1 +\| ready$/m, 'the program');
    pane.keys('x');
    await pane.waitFor(/keys\.1 +\| got 'x'$/m, 'the key, without Enter');
    pane.keys('y');
    await pane.waitFor(/keys\.1 +\| got 'y'$/m, 'the next key');
    pane.keys('C-c');
    const screen = await pane.waitFor(/tf-exit=130\nmodes=.+/, 'tf to stop');
    expect(screen).toMatch(/modes=icanon,echo/);
    expect(screen).not.toMatch(/got '\\x03'/);
    await expectNoSurvivors(tag);
  });

  it('interactive: true: input() gets the keys as typed, line editing included, and the unfinished line shows as it is typed', async () => {
    const root = tmpApp({ Procfile: 'app: python3 ask.py\n', 'ask.py': ASK, 'tf.yml': 'processes:\n  app:\n    interactive: true\n' });
    const tag = newTag();
    const pane = tmuxPane(root, startCommand(tag));
    await pane.waitFor(/app\.1 +\| name\? *\n*$/, 'the prompt on the live line');
    // Before Enter, the prompt and what is typed show at the bottom (the live line), edited as typed.
    pane.keys('bobx', 'BSpace');
    await pane.waitFor(/app\.1 +\| name\? bob\n*$/, 'the live line');
    pane.keys('Enter');
    await pane.waitFor(/app\.1 +\| hi bob$/m, 'the answer');
    pane.keys('C-c');
    await pane.waitFor(/tf-exit=130\nmodes=icanon,echo/, 'tf to stop with the terminal sane');
    await expectNoSurvivors(tag);
  });

  it('tf start --tty with one process: tf start is its terminal (keys as typed; Ctrl-C stops tf)', async () => {
    const root = tmpApp({ Procfile: 'keys: python3 keys.py\nother: sleep 600\n', 'keys.py': KEYS });
    const tag = newTag();
    const pane = tmuxPane(root, startCommand(tag, '--tty', 'keys'));
    await pane.waitFor(/keys\.1 +\| ready$/m, 'the program');
    pane.keys('z');
    await pane.waitFor(/keys\.1 +\| got 'z'$/m, 'the key, without Enter');
    pane.keys('C-c');
    await pane.waitFor(/tf-exit=130\nmodes=icanon,echo/, 'tf to stop with the terminal sane');
    await expectNoSurvivors(tag);
  });

  it('tf start --tty with several processes: the keyboard goes nowhere (it is not raw)', async () => {
    const root = tmpApp({ Procfile: 'keys: python3 keys.py\nother: sleep 600\n', 'keys.py': KEYS });
    const tag = newTag();
    const pane = tmuxPane(root, `${startCommand(tag, '--tty')}`);
    await pane.waitFor(/keys\.1 +\| ready$/m, 'the program');
    pane.keys('q', 'Enter');
    pane.keys('C-c');
    const screen = await pane.waitFor(/tf-exit=130\nmodes=.+/, 'tf to stop');
    expect(screen).not.toMatch(/got 'q'/);
    await expectNoSurvivors(tag);
  });

  it('SIGTERM to tf from elsewhere: the formation stops and the terminal is sane again', async () => {
    const root = tmpApp({ Procfile: 'keys: python3 keys.py\n', 'keys.py': KEYS, 'tf.yml': 'processes:\n  keys:\n    interactive: true\n' });
    const tag = newTag();
    // exec: the pid the shell prints is tf's.
    const pane = tmuxPane(root, `sh -c 'echo tf-pid=$$; exec ${tfStart(tag).replaceAll("'", '')}'; echo tf-exit=$?; ${MODES}`);
    const pid = Number(/tf-pid=(\d+)/.exec(await pane.waitFor(/keys\.1 +\| ready$/m, 'the program'))![1]);
    pane.keys('a');
    await pane.waitFor(/keys\.1 +\| got 'a'$/m, 'a key without Enter');
    process.kill(pid, 'SIGTERM');
    await pane.waitFor(/tf-exit=143\nmodes=icanon,echo/, 'tf to stop with the terminal sane');
    await expectNoSurvivors(tag);
  });

  it('Ctrl-Z suspends the formation with the terminal sane for the shell; fg makes it raw again', async () => {
    const root = tmpApp({ Procfile: 'keys: python3 keys.py\n', 'keys.py': KEYS, 'tf.yml': 'processes:\n  keys:\n    interactive: true\n' });
    const tag = newTag();
    // An interactive shell, for job control.
    const pane = tmuxPane(root, "env PS1='$ ' bash --norc --noprofile -i");
    pane.keys(tfStart(tag), 'Enter');
    await pane.waitFor(/keys\.1 +\| ready$/m, 'the program');
    pane.keys('C-z');
    await pane.waitFor(/Ctrl-Z: suspending 1 process and tf/, 'the suspension');
    await pane.waitFor(/Stopped/, 'the shell to see tf stopped');
    pane.keys(MODES, 'Enter');
    await pane.waitFor(/^modes=icanon,echo$/m, 'a sane terminal for the shell');
    pane.keys('fg', 'Enter');
    await pane.waitFor(/continued: resumed 1 process/, 'tf to continue');
    pane.keys('k');
    await pane.waitFor(/keys\.1 +\| got 'k'$/m, 'a key without Enter again');
    pane.keys('C-c');
    await pane.waitFor(/terminated by SIGTERM\n\$ $/m, 'tf to stop');
    pane.keys(`echo tf-exit=$?; ${MODES}`, 'Enter');
    await pane.waitFor(/^tf-exit=130\nmodes=icanon,echo$/m, 'the terminal sane');
    await expectNoSurvivors(tag);
  });
});
