import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { TF_BIN } from '../helpers/tf.js';
import { waitFor } from '../helpers/wait.js';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export interface Pane {
  keys(...keys: string[]): void;
  screen(): string;
  resize(cols: number, rows: number): void;
  /** Resolves with the screen once it matches PATTERN. */
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<string>;
}

/** A private tmux server (a real terminal, 120x40) running COMMAND in CWD; killed when the test ends. NAME tells several apart. */
export function tmuxPane(cwd: string, command: string, name = 'tmux'): Pane {
  const socket = join(cwd, `.${name}.sock`);
  const tmux = (...args: string[]): string => spawnSync('tmux', ['-S', socket, ...args], { cwd, encoding: 'utf8' }).stdout;
  tmux('new-session', '-d', '-x', '120', '-y', '40', `${command}; sleep 600`);
  onTestFinished(() => void tmux('kill-server'));
  const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-200');
  return {
    keys: (...keys) => void tmux('send-keys', ...keys),
    screen,
    resize: (cols, rows) => void tmux('resize-window', '-x', String(cols), '-y', String(rows)),
    waitFor: (pattern, what, timeoutMs = 20_000) => waitFor(() => (pattern.test(screen()) ? screen() : undefined), () => `${what} (screen:\n${screen()})`, timeoutMs),
  };
}

/** `tf attach ARGS` as a shell command for a pane. */
export function attachCommand(root: string, ...args: string[]): string {
  return [process.execPath, TF_BIN, 'attach', '-d', root, ...args].map((a) => `'${a}'`).join(' ');
}

/** A shell command printing `modes=icanon,echo` when the terminal is sane (`-icanon,-echo` when raw). */
export const MODES = "echo modes=$(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | paste -sd, -)";
