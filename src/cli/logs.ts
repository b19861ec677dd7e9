import { controlRequest } from '../control/client.js';
import { DEFAULT_LOG_LINES } from '../control/protocol.js';
import { isReaderGone, OUTPUT_CLOSED_STATUS, outputFailure, writeStdout } from '../output/write-error.js';
import { grepPattern, sinceTime } from '../control/log-filter.js';
import { withoutColour } from '../output/format.js';
import { shouldColor } from '../output/color.js';
import { TfError } from '../util/errors.js';
import { controlTarget, type ControlFlags } from './control-target.js';

export interface LogsFlags extends ControlFlags {
  lines?: string;
  follow: boolean;
  grep?: string;
  since?: string;
  json?: boolean;
}

/**
 * Prints what the running tf printed lately (of the named processes or types, or all; with
 * --grep only the lines that match, with --since only those printed since then; with --json as
 * one plain JSON record a line), then
 * follows it until tf exits, unless --no-follow. Ctrl-C only detaches this reader (exit 0): tf
 * start and its processes never see it. Colours recorded for tf's terminal are dropped when this
 * output is not a terminal or NO_COLOR is set.
 */
export async function logs(targets: string[], flags: LogsFlags): Promise<number> {
  const lines = flags.lines === undefined ? DEFAULT_LOG_LINES : Number(flags.lines);
  if (!/^\d+$/.test(flags.lines ?? '0')) throw new TfError(`-n/--lines: "${flags.lines}" is not a line count`, 'use a whole number, e.g. -n 50');
  const color = shouldColor(Boolean(process.stdout.isTTY), process.env);
  // Colour codes, tf's own and the processes': recorded for tf start's terminal, not for this reader.
  const shown = (text: string): string => (color ? text : withoutColour(text));
  if (flags.grep !== undefined) grepPattern(flags.grep);
  const request = {
    cmd: 'logs' as const,
    lines,
    targets,
    follow: flags.follow,
    ...(flags.grep === undefined ? {} : { grep: flags.grep }),
    ...(flags.since === undefined ? {} : { since: sinceTime(flags.since, Date.now()) }),
    ...(flags.json ? { json: true } : {}),
  };
  if (!flags.follow) {
    const { text } = (await controlRequest(controlTarget(flags), request)) as { text: string };
    return writeStdout(shown(text));
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
    await controlRequest(controlTarget(flags), request, (event, socket) => {
      // Backpressure: a slow terminal slows the reading; tf cuts off a reader far behind.
      if (event.event === 'output' && !process.stdout.write(shown(event.data))) {
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
