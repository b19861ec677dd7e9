/** POSIX sh single quoting: exact for every value (a `'` becomes `'\''`), bare when nothing needs it. */
export function shQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
