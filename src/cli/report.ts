import { diskFull, TfError } from '../util/errors.js';

/** User errors are one line on stderr, with the fix; anything else is a bug in tf. */
export function reportError(thrown: unknown): number {
  const error = diskFull(thrown) ?? thrown;
  if (error instanceof TfError) {
    process.stderr.write(`tf: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
    return error.exitCode;
  }
  const detail = process.env.TF_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
  process.stderr.write(`tf: internal error: ${error instanceof Error ? error.message : String(error)}${detail}\n`);
  process.stderr.write('tf: this is a bug in tf; run again with TF_DEBUG=1 for details and report it\n');
  return 70;
}
