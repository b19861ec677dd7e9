import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { expectNoSurvivors, newTag, TAG_VARIABLE } from '../helpers/processes.js';
import { TF_BIN } from '../helpers/tf.js';
import { fixture, tmpApp } from '../helpers/tmp-app.js';
import { waitFor } from '../helpers/wait.js';

// Ctrl-Z in a real terminal: tf runs in an interactive bash inside tmux, so the keys, the
// terminal's SIGTSTP and the shell's fg are the real ones.

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A private tmux server with one interactive bash, killed when the test ends. */
function terminal(cwd: string): { keys: (...keys: string[]) => void; screen: () => string } {
  const socket = join(cwd, '.tmux.sock');
  const tmux = (...args: string[]): string => spawnSync('tmux', ['-S', socket, ...args], { cwd, encoding: 'utf8' }).stdout;
  tmux('new-session', '-d', '-x', '200', '-y', '50', 'bash --norc --noprofile -i');
  onTestFinished(() => void tmux('kill-server'));
  return { keys: (...keys) => void tmux('send-keys', ...keys), screen: () => tmux('capture-pane', '-p', '-J', '-S', '-200') };
}

function state(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe.skipIf(!hasTmux)('Ctrl-Z', () => {
  // Whether a group stopped is read from /proc, or from ps (the macOS path, forced).
  it.each([
    { table: '/proc', env: '' },
    { table: 'ps', env: 'TF_PROCESS_TABLE=ps ' },
  ])('suspends every process group, those that ignore SIGTSTP too, and fg continues them ($table)', async ({ env }) => {
    const tag = newTag();
    onTestFinished(() => expectNoSurvivors(tag));
    // sh execs sleep with SIGTSTP still ignored: only SIGSTOP can stop it.
    const root = tmpApp({ Procfile: `web: ${fixture('drain', '20')}\nstubborn: trap "" TSTP; exec sleep 600\n` });
    const { keys, screen } = terminal(root);
    keys(`env ${env}${TAG_VARIABLE}=${tag} NO_COLOR=1 ${process.execPath} ${TF_BIN} start --no-timestamps -p 27500`, 'Enter');
    const pids = await waitFor(() => {
      const found = [...screen().matchAll(/(?:web|stubborn)\.1 started \(pid (\d+)/g)].map((m) => Number(m[1]));
      return found.length === 2 && screen().includes('READY web.1') ? found : undefined;
    }, () => `both processes to start (screen:\n${screen()})`);
    const tfPid = Number(spawnSync('pgrep', ['-f', '-n', `${TF_BIN} start --no-timestamps -p 27500`], { encoding: 'utf8' }).stdout.trim());

    keys('C-z');
    await waitFor(() => [...pids, tfPid].every((pid) => state(pid) === 'T'), () => `tf and both groups to stop (states: ${[...pids, tfPid].map(state)}; screen:\n${screen()})`);
    expect(screen()).toMatch(/Ctrl-Z: suspending 2 processes and tf \(fg or bg continues them\)/);

    keys('fg', 'Enter');
    await waitFor(() => [...pids, tfPid].every((pid) => state(pid) !== 'T'), () => `tf and both groups to continue (states: ${[...pids, tfPid].map(state)})`);
    await waitFor(() => screen().includes('continued: resumed 2 processes'), () => `tf to say so (screen:\n${screen()})`);

    keys('C-c');
    await waitFor(() => spawnSync('kill', ['-0', String(tfPid)]).status !== 0, () => `tf to exit on Ctrl-C (screen:\n${screen()})`);
    expect(screen()).toMatch(/received SIGINT, stopping all processes/);
  });
});
