/**
 * A TfError is a user error: bad input, a busy port, a missing file. The CLI prints it as one line
 * (plus an optional hint) and exits non-zero. Anything else that escapes is a bug in tf.
 */
export class TfError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'TfError';
  }
}

/** "file:line" as editors and terminals link it. */
export function location(file: string, line?: number): string {
  return line === undefined ? file : `${file}:${line}`;
}

export function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/**
 * A full disk is the user's to fix, not a bug in tf, whichever command meets it. WHAT says what
 * it left undone, e.g. ": no release was created".
 */
export function diskFull(error: unknown, what = ''): TfError | undefined {
  const code = errnoCode(error);
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined;
  return new TfError(`the disk is full (${code})${what}`, 'free some space, e.g. with tf release prune --keep N');
}
