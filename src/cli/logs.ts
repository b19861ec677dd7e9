import { controlRequest } from '../control/client.js';
import { DEFAULT_LOG_LINES } from '../control/protocol.js';
import { TfError } from '../util/errors.js';
import { controlTarget, type ControlFlags } from './control-target.js';

/**
 * Prints what the running tf printed lately, then follows it until tf exits. Ctrl-C only detaches
 * this reader (exit 0): tf start and its processes never see it.
 */
export async function logs(flags: ControlFlags & { lines?: string; follow?: boolean }): Promise<number> {
  const lines = flags.lines === undefined ? DEFAULT_LOG_LINES : Number(flags.lines);
  if (!/^\d+$/.test(flags.lines ?? '0')) throw new TfError(`-n/--lines: "${flags.lines}" is not a line count`, 'use a whole number, e.g. -n 50');
  if (flags.follow === false) {
    const { text } = (await controlRequest(controlTarget(flags), { cmd: 'logs', lines, follow: false })) as { text: string };
    process.stdout.write(text);
    return 0;
  }
  const detach = new AbortController();
  const onSigint = (): void => detach.abort();
  process.on('SIGINT', onSigint);
  try {
    await controlRequest(controlTarget(flags), { cmd: 'logs', lines, follow: true }, (event, socket) => {
      // Backpressure: a slow terminal slows the reading; tf cuts off a reader far behind.
      if (event.event === 'output' && !process.stdout.write(event.data)) {
        socket.pause();
        process.stdout.once('drain', () => socket.resume());
      }
    }, detach.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
  return 0;
}
