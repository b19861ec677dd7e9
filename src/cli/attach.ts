import type { Socket } from 'node:net';
import { controlRequest } from '../control/client.js';
import { TfError } from '../util/errors.js';
import { rawKeyboard } from '../platform/keyboard.js';
import { controlTarget, type ControlFlags } from './control-target.js';

export interface AttachFlags extends ControlFlags {
  detachKeys: string;
}

export const DEFAULT_DETACH_KEYS = 'ctrl-]';

/** `ctrl-X` (X a letter or one of @[\]^_) or a single character: the byte that detaches. */
export function detachByte(keys: string): { byte: number; shown: string } {
  const ctrl = /^ctrl-(.)$/i.exec(keys);
  const code = ctrl ? ctrl[1]!.toUpperCase().charCodeAt(0) : undefined;
  if (code !== undefined && code >= 0x40 && code <= 0x5f) return { byte: code - 0x40, shown: `Ctrl-${String.fromCharCode(code)}` };
  if (!ctrl && keys.length === 1 && keys.charCodeAt(0) < 0x80) return { byte: keys.charCodeAt(0), shown: keys };
  throw new TfError(`--detach-keys: "${keys}" is not a key`, 'write ctrl-X for a control key (ctrl-], ctrl-a, ctrl-q) or one character');
}

/**
 * Connects this terminal to a tty-mode process of the running tf start: its last screenful, then
 * its raw output; keystrokes (Ctrl-C included) go to it, and its terminal takes this one's size.
 * The detach key leaves it running. Returns 0 on detach and when the process or tf ends.
 */
export async function attach(target: string, flags: AttachFlags): Promise<number> {
  const detach = detachByte(flags.detachKeys);
  const stdout = process.stdout;
  const size = (): { rows: number; cols: number } => ({ rows: stdout.rows || 24, cols: stdout.columns || 80 });
  const detached = new AbortController();
  let connected: Socket | undefined;
  let name = target;
  let stopKeyboard = (): void => {};
  const send = (message: object): void => void connected?.write(`${JSON.stringify(message)}\n`);
  const onInput = (chunk: Buffer): void => {
    const at = chunk.indexOf(detach.byte);
    const keys = at === -1 ? chunk : chunk.subarray(0, at);
    if (keys.length > 0) send({ input: keys.toString('base64') });
    if (at !== -1) detached.abort();
  };
  const onResize = (): void => send({ resize: size() });
  const onReply = (result: unknown, socket: Socket): void => {
    connected = socket;
    name = (result as { name?: string }).name ?? target;
    process.stderr.write(`tf: attached to ${name}; ${detach.shown} detaches (it keeps running); keystrokes go to the most recent attacher\r\n`);
    // Raw, and every key the process's (Ctrl-C and Ctrl-Z too): only the detach key is tf's.
    stopKeyboard = rawKeyboard(onInput);
    stdout.on('resize', onResize);
  };
  try {
    await controlRequest(
      { ...controlTarget(flags) },
      { cmd: 'attach', target, ...size() },
      (event, socket) => {
        if (event.event !== 'tty') return;
        // Backpressure: a slow terminal slows the reading; tf cuts off an attacher far behind.
        if (!stdout.write(Buffer.from(event.data, 'base64'))) {
          socket.pause();
          stdout.once('drain', () => socket.resume());
        }
      },
      detached.signal,
      onReply,
    );
  } finally {
    stopKeyboard();
    stdout.off('resize', onResize);
  }
  if (connected) process.stderr.write(detached.signal.aborted ? `\r\ntf: detached from ${name} (it keeps running)\n` : `\r\ntf: ${name} ended\n`);
  return 0;
}
