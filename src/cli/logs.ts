import { controlRequest } from '../control/client.js';
import { DEFAULT_LOG_LINES } from '../control/protocol.js';
import { isReaderGone, OUTPUT_CLOSED_STATUS, outputFailure, writeStdout } from '../output/write-error.js';
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
    return writeStdout(text);
  }
  const detach = new AbortController();
  const onSigint = (): void => detach.abort();
  // Nowhere to write (a full disk, a reader gone): stop following rather than read on for nothing.
  let writeError: Error | undefined;
  const onWriteError = (error: Error): void => {
    writeError = error;
    detach.abort();
  };
  process.on('SIGINT', onSigint);
  process.stdout.on('error', onWriteError);
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
    process.stdout.off('error', onWriteError);
  }
  if (writeError && isReaderGone(writeError)) return OUTPUT_CLOSED_STATUS;
  if (writeError) throw outputFailure(writeError);
  return 0;
}
