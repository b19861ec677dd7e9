import { TfError } from '../util/errors.js';

/** EX_IOERR (sysexits.h): tf's output could not be written, for a reason other than a reader gone. */
export const OUTPUT_FAILED_STATUS = 74;
/** 128 + SIGPIPE, what a shell reports for a writer whose reader went away (`| head`). */
export const OUTPUT_CLOSED_STATUS = 141;

/** What went wrong writing output, as a person says it: "no space left on device". */
const PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EBADF: 'standard output is not open',
};

export function writeProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && PROBLEMS[code]) return PROBLEMS[code];
  return code ?? error.message;
}

/** A reader gone (EPIPE) is no error to report: the command just ends, quietly. */
export function isReaderGone(error: Error): boolean {
  return (error as NodeJS.ErrnoException).code === 'EPIPE';
}

/** The one-line error for output that could not be written, with its own exit status. */
export function outputFailure(error: Error): TfError {
  return new TfError(`cannot write output: ${writeProblem(error)}`, 'free some space, or write elsewhere', OUTPUT_FAILED_STATUS);
}

/**
 * Writes `text` to stdout and waits until it is written: a full disk under `tf ps > file` is an
 * error (exit 74), not silent loss; a reader gone (`tf ps | head -1`) ends quietly with 141.
 */
export function writeStdout(text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => {
      if (!error) return resolve(0);
      if (isReaderGone(error)) return resolve(OUTPUT_CLOSED_STATUS);
      reject(outputFailure(error));
    });
  });
}
