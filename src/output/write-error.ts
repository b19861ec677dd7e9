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
